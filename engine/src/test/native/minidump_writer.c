/* Windows program for the wine tests: crashes, and its unhandled-exception filter writes out.dmp with
   MiniDumpWriteDump. "md.exe stream": crash() called from main, the dump with one user stream.
   "md.exe deep": crash() three calls deep through big frames (built -O2 -fomit-frame-pointer, so that
   only the image's unwind info can step them). */
#include <windows.h>
#include <dbghelp.h>
#include <stdio.h>
#include <string.h>
static int with_stream;
static LONG WINAPI handler(EXCEPTION_POINTERS *ep) {
    HANDLE f = CreateFileA("out.dmp", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    MINIDUMP_EXCEPTION_INFORMATION ei = { GetCurrentThreadId(), ep, FALSE };
    static char payload[] = "sextant-user-stream: hello from the test";
    MINIDUMP_USER_STREAM us = { 0x53580001, sizeof payload, payload };
    MINIDUMP_USER_STREAM_INFORMATION usi = { 1, &us };
    BOOL ok = MiniDumpWriteDump(GetCurrentProcess(), GetCurrentProcessId(), f, MiniDumpNormal, &ei, with_stream ? &usi : NULL, NULL);
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
    SetUnhandledExceptionFilter(handler);
    if (argc > 1 && strcmp(argv[1], "stream") == 0) {
        with_stream = 1;
        crash((volatile int *) 0x45);
        return 1;
    }
    return level1((volatile int *) 0x45, argc) + 1;   /* not a tail call: main stays on the stack */
}
