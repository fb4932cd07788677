/*
 * A tiny JIT: writes a function into an mmap'ed region at run time and calls it; the function calls
 * back into blocker(), which blocks in pause(). The generated function keeps no frame pointer (it
 * moves rsp by 0x18 and leaves rbp alone), so only its unwind table finds its caller correctly.
 *
 *   jit gdb-jit        registers the code through the GDB JIT interface with an in-memory ELF
 *                      object carrying .eh_frame (CIE "zR", absolute pointers) and a .symtab
 *   jit gdb-jit-crash  as gdb-jit, then aborts in blocker() (for a core)
 *   jit gdb-jit-rel    as gdb-jit with a relocatable object (ET_REL: section-relative symbols)
 *   jit none           no registration at all
 *   jit perf-map       writes /tmp/perf-PID.map naming the code (symbols only, no unwind info)
 *   jit cycle FILE     waits for FILE to exist, then registers, unregisters and registers again
 *   jit libgcc FILE    waits for FILE, then __register_frame, __deregister_frame, __register_frame
 *                      of the same .eh_frame (libgcc's registry for its own unwinder)
 *   jit libgcc-early   __register_frame at once (before anyone attaches): on libgcc's unseen list
 *   jit libgcc-seen    as libgcc-early, then a lookup by libgcc's unwinder (_Unwind_Find_FDE) moves
 *                      the object to its sorted seen list
 *   jit libgcc-crash   as libgcc-seen, then aborts in blocker() (for a core)
 *
 * Prints "ready PID", then "jit 0xADDR 0xLEN" before calling the generated code, then "blocked".
 */
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* The GDB JIT interface (gdb/jit.h): names and layout are fixed by gdb. */
typedef enum { JIT_NOACTION = 0, JIT_REGISTER_FN, JIT_UNREGISTER_FN } jit_actions_t;
struct jit_code_entry {
    struct jit_code_entry *next_entry;
    struct jit_code_entry *prev_entry;
    const char *symfile_addr;
    uint64_t symfile_size;
};
struct jit_descriptor {
    uint32_t version;
    uint32_t action_flag;
    struct jit_code_entry *relevant_entry;
    struct jit_code_entry *first_entry;
};
void __attribute__((noinline)) __jit_debug_register_code(void) { __asm__ volatile("" ::: "memory"); }
struct jit_descriptor __jit_debug_descriptor = {1, 0, 0, 0};

extern void __register_frame(void *begin);
extern void __deregister_frame(void *begin);
struct dwarf_eh_bases { void *tbase, *dbase, *func; };
extern const void *_Unwind_Find_FDE(void *pc, struct dwarf_eh_bases *bases);

static int crash;

void __attribute__((noinline)) blocker(void)
{
    if (crash) abort();
    printf("blocked\n");
    fflush(stdout);
    for (;;) pause();
}

enum { CODE_LEN = 21 };

static size_t put_uleb(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; return 1; }   /* v < 128 here */

/* .eh_frame for the generated function: CIE (24 bytes), FDE (32 bytes), zero terminator. */
static size_t eh_frame(unsigned char *p, uint64_t code)
{
    size_t n = 0;
    uint32_t len;
    /* CIE */
    len = 20; memcpy(p + n, &len, 4); n += 4;
    memset(p + n, 0, 4); n += 4;                       /* CIE id */
    p[n++] = 1;                                        /* version */
    memcpy(p + n, "zR", 3); n += 3;
    n += put_uleb(p + n, 1);                           /* code alignment */
    p[n++] = 0x78;                                     /* data alignment -8 (sleb) */
    n += put_uleb(p + n, 16);                          /* return address: rip */
    n += put_uleb(p + n, 1);                           /* augmentation data length */
    p[n++] = 0x00;                                     /* R: DW_EH_PE_absptr */
    p[n++] = 0x0c; p[n++] = 7; p[n++] = 8;             /* DW_CFA_def_cfa rsp+8 */
    p[n++] = 0x80 | 16; p[n++] = 1;                    /* DW_CFA_offset rip at cfa-8 */
    p[n++] = 0; p[n++] = 0;                            /* DW_CFA_nop padding to 24 */
    /* FDE */
    size_t fde = n;
    len = 28; memcpy(p + n, &len, 4); n += 4;
    uint32_t cie_ptr = (uint32_t)(fde + 4); memcpy(p + n, &cie_ptr, 4); n += 4;
    memcpy(p + n, &code, 8); n += 8;                   /* pc_begin */
    uint64_t range = CODE_LEN; memcpy(p + n, &range, 8); n += 8;
    n += put_uleb(p + n, 0);                           /* augmentation data length */
    p[n++] = 0x40 | 4;                                 /* DW_CFA_advance_loc 4: after sub rsp,0x18 */
    p[n++] = 0x0e; p[n++] = 32;                        /* DW_CFA_def_cfa_offset 32 */
    p[n++] = 0x40 | 16;                                /* DW_CFA_advance_loc 16: after add rsp,0x18 */
    p[n++] = 0x0e; p[n++] = 8;                         /* DW_CFA_def_cfa_offset 8 */
    p[n++] = 0;                                        /* DW_CFA_nop padding to 32 */
    memset(p + n, 0, 4); n += 4;                       /* terminator */
    return n;
}

/*
 * An ELF object in memory: .text (a copy of the code, at its run-time address), .eh_frame, .symtab,
 * .strtab, .shstrtab. rel: a relocatable object (ET_REL) as LLVM's JIT registers them: symbol
 * values relative to their section, whose sh_addr says where the section was loaded.
 */
static int rel_object;
static unsigned char *make_object(uint64_t code, const char *name, size_t *size)
{
    static const char shstr[] = "\0.text\0.eh_frame\0.symtab\0.strtab\0.shstrtab";
    size_t cap = 4096;
    unsigned char *buf = calloc(1, cap);
    size_t off = sizeof(Elf64_Ehdr);
    size_t text_off = off; memcpy(buf + off, (void *)code, CODE_LEN); off += CODE_LEN;
    off = (off + 7) & ~7ul;
    size_t eh_off = off; size_t eh_len = eh_frame(buf + off, code); off += eh_len;
    off = (off + 7) & ~7ul;
    size_t strtab_off = off; buf[off] = 0; strcpy((char *)buf + off + 1, name); size_t strtab_len = strlen(name) + 2; off += strtab_len;
    off = (off + 7) & ~7ul;
    size_t sym_off = off;
    Elf64_Sym syms[2];
    memset(syms, 0, sizeof syms);
    syms[1].st_name = 1;
    syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
    syms[1].st_shndx = 1;
    syms[1].st_value = rel_object ? 0 : code;
    syms[1].st_size = CODE_LEN;
    memcpy(buf + off, syms, sizeof syms); off += sizeof syms;
    size_t shstr_off = off; memcpy(buf + off, shstr, sizeof shstr); off += sizeof shstr;
    off = (off + 7) & ~7ul;
    size_t sh_off = off;
    Elf64_Shdr sh[6];
    memset(sh, 0, sizeof sh);
    sh[1] = (Elf64_Shdr){.sh_name = 1, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC | SHF_EXECINSTR,
                         .sh_addr = code, .sh_offset = text_off, .sh_size = CODE_LEN, .sh_addralign = 16};
    sh[2] = (Elf64_Shdr){.sh_name = 7, .sh_type = SHT_PROGBITS, .sh_flags = SHF_ALLOC,
                         .sh_addr = (uint64_t)(buf + eh_off), .sh_offset = eh_off, .sh_size = eh_len, .sh_addralign = 8};
    sh[3] = (Elf64_Shdr){.sh_name = 17, .sh_type = SHT_SYMTAB, .sh_offset = sym_off, .sh_size = sizeof syms,
                         .sh_link = 4, .sh_info = 1, .sh_addralign = 8, .sh_entsize = sizeof(Elf64_Sym)};
    sh[4] = (Elf64_Shdr){.sh_name = 25, .sh_type = SHT_STRTAB, .sh_offset = strtab_off, .sh_size = strtab_len, .sh_addralign = 1};
    sh[5] = (Elf64_Shdr){.sh_name = 33, .sh_type = SHT_STRTAB, .sh_offset = shstr_off, .sh_size = sizeof shstr, .sh_addralign = 1};
    memcpy(buf + sh_off, sh, sizeof sh); off += sizeof sh;
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_ident[EI_VERSION] = EV_CURRENT;
    eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh->e_type = rel_object ? ET_REL : ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_version = EV_CURRENT;
    eh->e_ehsize = sizeof(Elf64_Ehdr);
    eh->e_shoff = sh_off;
    eh->e_shentsize = sizeof(Elf64_Shdr);
    eh->e_shnum = 6;
    eh->e_shstrndx = 5;
    *size = off;
    return buf;
}

static struct jit_code_entry *register_object(const unsigned char *obj, size_t size)
{
    struct jit_code_entry *e = calloc(1, sizeof *e);
    e->symfile_addr = (const char *)obj;
    e->symfile_size = size;
    e->next_entry = __jit_debug_descriptor.first_entry;
    if (e->next_entry) e->next_entry->prev_entry = e;
    __jit_debug_descriptor.first_entry = e;
    __jit_debug_descriptor.relevant_entry = e;
    __jit_debug_descriptor.action_flag = JIT_REGISTER_FN;
    __jit_debug_register_code();
    return e;
}

static void unregister_object(struct jit_code_entry *e)
{
    if (e->prev_entry) e->prev_entry->next_entry = e->next_entry;
    else __jit_debug_descriptor.first_entry = e->next_entry;
    if (e->next_entry) e->next_entry->prev_entry = e->prev_entry;
    __jit_debug_descriptor.relevant_entry = e;
    __jit_debug_descriptor.action_flag = JIT_UNREGISTER_FN;
    __jit_debug_register_code();
    free(e);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "gdb-jit";
    printf("ready %d\n", getpid());
    fflush(stdout);
    unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { perror("mmap"); return 1; }
    uint64_t target = (uint64_t)&blocker;
    unsigned char gen[CODE_LEN] = {
        0x48, 0x83, 0xec, 0x18,                  /* sub  rsp, 0x18 */
        0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,      /* movabs rax, blocker */
        0xff, 0xd0,                              /* call rax */
        0x48, 0x83, 0xc4, 0x18,                  /* add  rsp, 0x18 */
        0xc3                                     /* ret */
    };
    memcpy(gen + 6, &target, 8);
    memcpy(code, gen, CODE_LEN);
    if (mprotect(code, 4096, PROT_READ | PROT_EXEC) != 0) { perror("mprotect"); return 1; }

    size_t size;
    rel_object = strcmp(mode, "gdb-jit-rel") == 0;
    unsigned char *obj = make_object((uint64_t)code, "jit_fn", &size);
    crash = strcmp(mode, "gdb-jit-crash") == 0;
    if (strcmp(mode, "gdb-jit") == 0 || crash || rel_object) {
        register_object(obj, size);
    } else if (strcmp(mode, "perf-map") == 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/perf-%d.map", getpid());
        FILE *f = fopen(path, "w");
        if (!f) { perror(path); return 1; }
        fprintf(f, "%lx %x perf_jit_fn\n", (unsigned long)code, CODE_LEN);
        fclose(f);
    } else if (strcmp(mode, "cycle") == 0 && argc > 2) {
        struct timespec ts = {0, 10000000};
        while (access(argv[2], F_OK) != 0) nanosleep(&ts, NULL);
        struct jit_code_entry *e = register_object(obj, size);
        unregister_object(e);
        register_object(obj, size);
    } else if (strcmp(mode, "libgcc") == 0 && argc > 2) {
        static unsigned char section[128] __attribute__((aligned(8)));
        eh_frame(section, (uint64_t)code);
        struct timespec ts = {0, 10000000};
        while (access(argv[2], F_OK) != 0) nanosleep(&ts, NULL);
        __register_frame(section);
        __deregister_frame(section);
        __register_frame(section);
    } else if (strncmp(mode, "libgcc-", 7) == 0) {
        static unsigned char early[128] __attribute__((aligned(8)));
        eh_frame(early, (uint64_t)code);
        __register_frame(early);
        if (strcmp(mode, "libgcc-early") != 0) {
            struct dwarf_eh_bases bases;
            if (!_Unwind_Find_FDE(code + 1, &bases)) { fprintf(stderr, "libgcc does not find the FDE\n"); return 3; }
        }
        crash = strcmp(mode, "libgcc-crash") == 0;
    } else if (strcmp(mode, "none") != 0) {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    printf("jit %p 0x%x\n", (void *)code, CODE_LEN);
    fflush(stdout);
    ((void (*)(void))code)();
    return 0;
}
