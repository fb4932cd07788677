package dev.sextant.engine.api;

import java.util.Optional;

/**
 * Why a dumped process stopped, as the dump's platform names it: a Windows exception code
 * ({@code 0xC0000005}, name {@code EXCEPTION_ACCESS_VIOLATION_WRITE}), a Linux signal number
 * ({@code 11}, {@code SIGSEGV}) or a Mach exception. {@code address} is the faulting data address
 * where the platform gives one (the access-violation target, {@code si_addr}), otherwise the address
 * the dump records for the exception; {@code tid} the thread that took it. Immutable.
 */
public record CrashReason(long code, String name, Optional<Address> address, Optional<Tid> tid, String description) {}
