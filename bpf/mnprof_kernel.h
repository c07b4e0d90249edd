/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The few kernel types and UAPI constants the mnprof BPF programs use, so
 * that they build without a kernel tree or a generated vmlinux.h (clang
 * -target bpf sees no <asm/types.h> on Debian).
 *
 * Every kernel struct is declared with only the members mnprof reads and
 * marked preserve_access_index: CO-RE relocates each access against the
 * running kernel's BTF (vmlinux and module BTF), by member name, so the
 * order and the other members do not matter. Types of modules carry a
 * flavour suffix (___mn) that libbpf ignores when matching; code that
 * reads them is guarded by bpf_core_type_exists(), so the programs load
 * whether or not the module (and its BTF) is there.
 */
#ifndef MNPROF_KERNEL_H
#define MNPROF_KERNEL_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

/* UAPI constants (include/uapi/linux/bpf.h); values are ABI. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

#define BPF_ANY				0
#define BPF_NOEXIST			1
#define BPF_EXIST			2
#define BPF_F_NO_PREALLOC		(1U << 0)
#define BPF_LOCAL_STORAGE_GET_F_CREATE	(1ULL << 0)
#define BPF_RB_NO_WAKEUP		(1ULL << 0)

#define EEXIST				17

/* include/linux/kdev_t.h */
#define MN_MINORBITS			20
#define MN_MINORMASK			((1U << MN_MINORBITS) - 1)

/* include/linux/mmu_notifier.h */
#define MMU_NOTIFIER_RANGE_BLOCKABLE	(1 << 0)

/* --- core mm ------------------------------------------------------------ */

struct mm_struct;

enum mmu_notifier_event {
	MMU_NOTIFY_UNMAP = 0,
	MMU_NOTIFY_CLEAR,
	MMU_NOTIFY_PROTECTION_VMA,
	MMU_NOTIFY_PROTECTION_PAGE,
	MMU_NOTIFY_SOFT_DIRTY,
	MMU_NOTIFY_RELEASE,
	MMU_NOTIFY_MIGRATE,
	MMU_NOTIFY_EXCLUSIVE,
};

struct mmu_notifier_range {
	struct mm_struct *mm;
	unsigned long start;
	unsigned long end;
	unsigned int flags;
	enum mmu_notifier_event event;
} __attribute__((preserve_access_index));

struct mmu_interval_notifier_ops {
	void *invalidate;
	void *invalidate_start;
	void *invalidate_finish;
} __attribute__((preserve_access_index));

struct mmu_interval_notifier {
	const struct mmu_interval_notifier_ops *ops;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct mmu_interval_notifier_finish {
	struct mmu_interval_notifier *notifier;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	char comm[16];
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct bpf_iter_meta;

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* --- driver model --------------------------------------------------------- */

struct kobject {
	const char *name;
} __attribute__((preserve_access_index));

struct device {
	struct kobject kobj;
} __attribute__((preserve_access_index));

struct cdev {
	__u32 dev;			/* dev_t */
} __attribute__((preserve_access_index));

/* --- tools/mnsim (module mnsim, tools/mnsim/mnsim.h) ---------------------- */

struct mnsim_device___mn {
	int id;
	char name[16];
} __attribute__((preserve_access_index));

struct mnsim_mirror___mn {
	struct mmu_interval_notifier notifier;
	struct mnsim_device___mn *dev;
} __attribute__((preserve_access_index));

struct mnsim_flush___mn;

/* --- lib/test_hmm.c (module test_hmm) -------------------------------------- */

struct dmirror_device___mn {
	struct cdev cdevice;
	struct device device;
} __attribute__((preserve_access_index));

/* ->notifier of a struct dmirror is registered with dmirror_min_ops */
struct dmirror___mn {
	struct dmirror_device___mn *mdevice;
	struct mmu_interval_notifier notifier;
} __attribute__((preserve_access_index));

/* ->notifier of a struct dmirror_interval uses dmirror_mrn_ops */
struct dmirror_interval___mn {
	struct mmu_interval_notifier notifier;
	struct dmirror___mn *dmirror;
} __attribute__((preserve_access_index));

/* --- DRM and Intel xe (module xe), best effort ----------------------------- */

struct drm_minor {
	int index;
} __attribute__((preserve_access_index));

struct drm_device {
	struct device *dev;
	struct drm_minor *primary;
} __attribute__((preserve_access_index));

struct drm_gpuvm {
	const char *name;
} __attribute__((preserve_access_index));

struct drm_gpuva {
	struct drm_gpuvm *vm;
} __attribute__((preserve_access_index));

struct xe_device___mn {
	struct drm_device drm;
} __attribute__((preserve_access_index));

struct xe_vm___mn {
	struct drm_gpuvm gpuvm;
	struct xe_device___mn *xe;
} __attribute__((preserve_access_index));

struct xe_vma___mn {
	struct drm_gpuva gpuva;
} __attribute__((preserve_access_index));

struct xe_userptr___mn {
	struct mmu_interval_notifier notifier;
} __attribute__((preserve_access_index));

struct xe_userptr_vma___mn {
	struct xe_vma___mn vma;
	struct xe_userptr___mn userptr;
} __attribute__((preserve_access_index));

/* --- amdgpu (module amdgpu), best effort ---------------------------------- */

struct ttm_device;

struct ttm_buffer_object___mn {
	struct ttm_device *bdev;
} __attribute__((preserve_access_index));

struct amdgpu_bo___mn {
	struct ttm_buffer_object___mn tbo;
	struct mmu_interval_notifier notifier;
} __attribute__((preserve_access_index));

struct amdgpu_mman___mn {
	struct {
		int dummy;
	} bdev;
} __attribute__((preserve_access_index));

struct amdgpu_device___mn {
	struct drm_device ddev;
	struct amdgpu_mman___mn mman;
} __attribute__((preserve_access_index));

/* --- nouveau SVM (module nouveau), best effort ----------------------------- */

struct nouveau_drm___mn {
	struct drm_device *dev;
} __attribute__((preserve_access_index));

struct nouveau_cli___mn {
	struct nouveau_drm___mn *drm;
} __attribute__((preserve_access_index));

struct nouveau_vmm___mn {
	struct nouveau_cli___mn *cli;
} __attribute__((preserve_access_index));

struct nouveau_svmm___mn {
	struct nouveau_vmm___mn *vmm;
} __attribute__((preserve_access_index));

struct svm_notifier___mn {
	struct mmu_interval_notifier notifier;
	struct nouveau_svmm___mn *svmm;
} __attribute__((preserve_access_index));

/* --- RDMA on-demand paging (ib_core, mlx5_ib, rdma_rxe), best effort ------- */

struct ib_device___mn {
	char name[64];
	__u32 index;
} __attribute__((preserve_access_index));

struct ib_umem___mn {
	struct ib_device___mn *ibdev;
} __attribute__((preserve_access_index));

struct ib_umem_odp___mn {
	struct ib_umem___mn umem;
	struct mmu_interval_notifier notifier;
} __attribute__((preserve_access_index));

/*
 * x86-64 registers as a kprobe's context holds them: the UAPI layout
 * (asm/ptrace.h), which bpf_tracing.h's PT_REGS_* macros expect outside
 * the kernel. A context is accessed by offset, not relocated: no
 * preserve_access_index here.
 */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax;
	unsigned long rip, cs, eflags, rsp, ss;
};

#endif /* MNPROF_KERNEL_H */
