# Hand-written x64 unwind records (RUNTIME_FUNCTION/UNWIND_INFO) covering every UWOP code, version 2
# epilog codes, handlers, a chain and a chain loop. GNU as's .seh_* directives emit only version 1
# and no chains, so the records are written as data. Built by PeUnwindObjdumpTest with mingw gcc.
	.text
	.globl	f1
f1:	push %rbp
	push %rbx
	sub $0x1000, %rsp
	lea 0x20(%rsp), %rbp
	nop
	add $0x1000, %rsp
	pop %rbx
	pop %rbp
	ret
f1_end:
f1_tail:
	nop
	nop
	ret
f1_tail_end:
f2:	nop
	nop
	nop
	nop
	nop
	nop
	nop
	nop
	nop
	nop
	ret
f2_end:
	.p2align 4
f3:	nop
	ret
f3_end:
f4:	nop
	ret
f4_end:
handler: ret

	.section .xdata,"dr"
	.p2align 2
xf1:	.byte 0x01 | (3 << 3)    # v1, EHANDLER|UHANDLER
	.byte 0x10, 12, 0x25     # prolog 0x10, 13 slots, frame reg rbp offset 2*16
	.byte 0x10, 0x03          # SET_FPREG
	.byte 0x0e, 0x01, 0x00, 0x02   # ALLOC_LARGE info0 0x200*8
	.byte 0x0c, 0x11, 0x00, 0x00, 0x01, 0x00   # ALLOC_LARGE info1 0x10000
	.byte 0x0a, 0x34, 0x08, 0x00   # SAVE_NONVOL rbx at 0x40
	.byte 0x09, 0x65, 0x00, 0x00, 0x02, 0x00   # SAVE_NONVOL_FAR rsi at 0x20000
	.byte 0x02, 0x50          # PUSH_NONVOL rbp
	.rva handler
	.long 0x12345678
xf1_tail:
	.byte 0x01 | (4 << 3), 0, 0, 0   # chained, no codes
	.rva f1, f1_end, xf1
xf2:	.byte 0x02, 0x04, 9, 0           # v2, prolog 4, 8 codes
	.byte 0x03, 0x16          # EPILOG size 3, at end (info=1)
	.byte 0x08, 0x06          # EPILOG offset 8 back
	.byte 0x00, 0x06          # pad
	.byte 0x04, 0x88, 0x03, 0x00   # SAVE_XMM128 xmm8 at 0x30
	.byte 0x04, 0xf9, 0x00, 0x00, 0x01, 0x00   # SAVE_XMM128_FAR xmm15 at 0x100000
	.byte 0x01, 0x1a          # PUSH_MACHFRAME error code
	.byte 0x00, 0x00          # pad to even
xf3:	.byte 0x01 | (4 << 3), 0, 0, 0   # chained to itself: a loop
	.rva f3, f3_end, xf3
xf4:	.byte 0x01, 0x02, 7, 0           # v1, 6 slots: legacy SAVE_XMM/SAVE_XMM_FAR, an unknown op
	.byte 0x02, 0x26, 0x04, 0x00      # SAVE_XMM (v1 op 6) mm2 at 0x20
	.byte 0x02, 0x37, 0x00, 0x01, 0x00, 0x00   # SAVE_XMM_FAR (op 7) mm3 at 0x100*8
	.byte 0x01, 0x0b                  # op 11: unknown
	.byte 0x01, 0x32                  # ALLOC_SMALL 0x20
	.byte 0x00, 0x00                  # pad to even

	.section .pdata,"dr"
	.rva f1, f1_end, xf1
	.rva f1_tail, f1_tail_end, xf1_tail
	.rva f2, f2_end, xf2
	.rva f3, f3_end, xf3
	.rva f4, f4_end, xf4
