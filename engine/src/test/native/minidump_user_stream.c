/* Windows program for the wine test: crashes, and its unhandled-exception filter writes out.dmp with MiniDumpWriteDump and one user stream. */
#include <windows.h>
#include <dbghelp.h>
#include <stdio.h>
#include <string.h>
static LONG WINAPI handler(EXCEPTION_POINTERS *ep) {
    HANDLE f = CreateFileA("out.dmp", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    MINIDUMP_EXCEPTION_INFORMATION ei = { GetCurrentThreadId(), ep, FALSE };
    static char payload[] = "sextant-user-stream: hello from the test";
    MINIDUMP_USER_STREAM us = { 0x53580001, sizeof payload, payload };
    MINIDUMP_USER_STREAM_INFORMATION usi = { 1, &us };
    BOOL ok = MiniDumpWriteDump(GetCurrentProcess(), GetCurrentProcessId(), f, MiniDumpNormal, &ei, &usi, NULL);
    CloseHandle(f);
    printf("written %d\n", ok);
    fflush(stdout);
    ExitProcess(ok ? 0 : 3);
    return EXCEPTION_EXECUTE_HANDLER;
}
__attribute__((noinline)) void crash(volatile int *p) { *p = 5; }
int main(void) {
    SetUnhandledExceptionFilter(handler);
    crash((volatile int *) 0x45);
    return 1;
}
