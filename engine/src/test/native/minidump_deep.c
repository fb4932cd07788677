/* Windows program for the wine test: crashes three calls below main, in functions with stack
 * frames the x64 unwind info describes (pushes, a small and a large allocation, no frame
 * pointer); its unhandled-exception filter writes deep.dmp with MiniDumpWriteDump. */
#include <windows.h>
#include <dbghelp.h>
#include <stdio.h>
static LONG WINAPI handler(EXCEPTION_POINTERS *ep) {
    HANDLE f = CreateFileA("deep.dmp", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    MINIDUMP_EXCEPTION_INFORMATION ei = { GetCurrentThreadId(), ep, FALSE };
    BOOL ok = MiniDumpWriteDump(GetCurrentProcess(), GetCurrentProcessId(), f, MiniDumpNormal, &ei, NULL, NULL);
    CloseHandle(f);
    printf("written %d\n", ok);
    fflush(stdout);
    ExitProcess(ok ? 0 : 3);
    return EXCEPTION_EXECUTE_HANDLER;
}
__attribute__((noinline)) void crash(volatile int *p) { *p = 5; }
__attribute__((noinline)) int level2(volatile int *p, int n) {
    volatile char buf[200];
    buf[n] = (char) n;
    crash(p);
    return buf[n / 2];
}
__attribute__((noinline)) int level1(volatile int *p, int n) {
    volatile long long big[600];
    big[n] = n;
    int r = level2(p, n + 1);
    return r + (int) big[n / 3];
}
int main(int argc, char **argv) {
    (void) argv;
    SetUnhandledExceptionFilter(handler);
    return level1((volatile int *) 0x45, argc) + 1;   /* not a tail call: main stays on the stack */
}
