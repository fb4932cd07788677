/* Calls a library function through the procedure linkage table: a debugger stopped in the stub sees puts@plt. */
#include <stdio.h>

int main(void) {
    puts("through the PLT"); /* MARK:call */
    return 0;
}
