// A qemu TCG plugin that counts the guest instructions a process executes, for scripts/qemu-insn-count.sh.
//
// Usage: qemu-aarch64 -plugin libinsncount.so,out=FILE … ; at exit FILE holds one line, "insns N" (without out=,
// the line goes to qemu's log, stderr). With `symbols=on`, FILE also gets one line per guest function,
// "N\tSYMBOL" (the function a translation block starts in, from the binary's symbol table: run an unstripped
// binary), for a per-function profile. Counts every executed instruction of every guest thread, exactly: the
// count of a translation block is added by a callback with an atomic add, not by an inline add, because inline
// adds race when the guest runs more than one thread (qemu-user runs guest threads in parallel).
//
// Only the handful of plugin API calls used are declared here, as QEMU 7.2 defines them (plugin API version 1,
// include/qemu/qemu-plugin.h); no QEMU header or source is needed to build it: `cc -shared -fPIC`.
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct {
    const char *target_name;
    struct { int min, cur; } version;
    bool system_emulation;
    // A union of system-emulation fields follows in QEMU's struct; it is never read here.
} qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, struct qemu_plugin_tb *));
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *, void (*)(unsigned int, void *),
                                          enum qemu_plugin_cb_flags, void *);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *, size_t);
const char *qemu_plugin_insn_symbol(const struct qemu_plugin_insn *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, void (*)(qemu_plugin_id_t, void *), void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t executed;
static const char *out_path;
static bool by_symbol;

// Per-function counts: an open-addressing table keyed by the symbol string's address (qemu hands out one string
// per symbol), filled at translation time under a lock, counted at execution time with atomic adds.
enum { SLOTS = 1 << 16 };
struct slot { const char *symbol; uint64_t count; };
static struct slot slots[SLOTS];
static size_t used_slots;
struct block { struct slot *slot; uint64_t n_insns; };  // one per translated block, never freed (a few MB at most)

static void on_tb_exec(unsigned int vcpu, void *n_insns) {
    (void)vcpu;
    __atomic_fetch_add(&executed, (uint64_t)(uintptr_t)n_insns, __ATOMIC_RELAXED);
}

static void on_tb_exec_symbol(unsigned int vcpu, void *data) {
    (void)vcpu;
    const struct block *b = data;
    __atomic_fetch_add(&executed, b->n_insns, __ATOMIC_RELAXED);
    __atomic_fetch_add(&b->slot->count, b->n_insns, __ATOMIC_RELAXED);
}

static struct slot *slot_for(const char *symbol) {
    static int lock;
    while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE)) {}
    size_t i = ((uintptr_t)symbol >> 3) & (SLOTS - 1);
    while (slots[i].symbol && slots[i].symbol != symbol && used_slots < SLOTS - 1) i = (i + 1) & (SLOTS - 1);
    if (!slots[i].symbol) slots[i].symbol = symbol, used_slots++;
    __atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
    return &slots[i];  // a full table lumps the rest into one slot: the totals stay exact
}

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (by_symbol && n > 0) {
        const char *symbol = qemu_plugin_insn_symbol(qemu_plugin_tb_get_insn(tb, 0));
        struct block *b = malloc(sizeof *b);
        if (b) {
            b->slot = slot_for(symbol ? symbol : "?");
            b->n_insns = n;
            qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec_symbol, QEMU_PLUGIN_CB_NO_REGS, b);
            return;
        }
    }
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_tb_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)n);
}

static void report_at_exit(qemu_plugin_id_t id, void *unused) {
    (void)id, (void)unused;
    char line[64];
    snprintf(line, sizeof line, "insns %" PRIu64 "\n", __atomic_load_n(&executed, __ATOMIC_RELAXED));
    FILE *f = out_path ? fopen(out_path, "w") : NULL;
    if (f) {
        fputs(line, f);
        for (size_t i = 0; by_symbol && i < SLOTS; i++)
            if (slots[i].symbol && slots[i].count) fprintf(f, "%" PRIu64 "\t%s\n", slots[i].count, slots[i].symbol);
        fclose(f);
    } else {
        qemu_plugin_outs(line);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                                               int argc, char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "out=", 4) == 0) out_path = argv[i] + 4;
        else if (strcmp(argv[i], "symbols=on") == 0) by_symbol = true;
        else return -1;  // an unknown argument is a mistake in the caller's command line
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    qemu_plugin_register_atexit_cb(id, report_at_exit, NULL);
    return 0;
}
