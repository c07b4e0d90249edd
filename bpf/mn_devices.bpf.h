/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * mnprof BPF: which device a subscription belongs to (docs/DESIGN.md,
 * "Devices"). One resolver per known driver, each reading the driver's
 * types through its module BTF with CO-RE and guarded by
 * bpf_core_type_exists(), so the programs load whether or not the driver
 * is there; anything else is a device of an unknown driver: one per ops
 * (driver) by default, one per subscription with --per-subscription.
 * User space tells which ops belong to which driver (the ops_kind map,
 * from kallsyms). Included once, by mnprof.bpf.c, after mn_state.bpf.h.
 *
 * Resolvers of drivers without hardware here (xe, amdgpu, nouveau, RDMA
 * ODP) are compiled and verified on every load, but untested on hardware.
 */
#ifndef MN_DEVICES_BPF_H
#define MN_DEVICES_BPF_H

/* Each resolver: true with *key and *name set, false to fall back. */

/* mnsim: the subscription is a struct mnsim_mirror, ->dev its device. */
static __always_inline bool resolve_mnsim(__u64 s, struct mn_dev_key *key,
					  const char **name)
{
	struct mnsim_mirror___mn *m;
	struct mnsim_device___mn *d;

	if (!bpf_core_type_exists(struct mnsim_mirror___mn) ||
	    !bpf_core_type_exists(struct mnsim_device___mn))
		return false;
	m = (void *)(s - bpf_core_field_offset(struct mnsim_mirror___mn, notifier));
	d = BPF_CORE_READ(m, dev);
	if (!d)
		return false;
	key->kind = MN_DEV_MNSIM;
	key->id = BPF_CORE_READ(d, id);
	*name = (const char *)__builtin_preserve_access_index(&d->name);
	return true;
}

/* lib/test_hmm: a struct dmirror or dmirror_interval -> its device. */
static __always_inline bool resolve_hmm(__u64 s, __u32 variant,
					struct mn_dev_key *key,
					const char **name)
{
	struct dmirror___mn *dm = NULL;
	struct dmirror_device___mn *md;

	if (!bpf_core_type_exists(struct dmirror___mn) ||
	    !bpf_core_type_exists(struct dmirror_interval___mn) ||
	    !bpf_core_type_exists(struct dmirror_device___mn))
		return false;
	if (variant == MN_VAR_HMM_MIN) {
		dm = (void *)(s - bpf_core_field_offset(struct dmirror___mn, notifier));
	} else if (variant == MN_VAR_HMM_MRN) {
		struct dmirror_interval___mn *di;

		di = (void *)(s - bpf_core_field_offset(struct dmirror_interval___mn,
							notifier));
		dm = BPF_CORE_READ(di, dmirror);
	}
	md = dm ? BPF_CORE_READ(dm, mdevice) : NULL;
	if (!md)
		return false;
	key->kind = MN_DEV_HMM;
	key->id = BPF_CORE_READ(md, cdevice.dev) & MN_MINORMASK;
	*name = BPF_CORE_READ(md, device.kobj.name);
	return true;
}

/* A DRM device: id = primary minor, name = its parent (PCI) device. */
static __always_inline bool drm_dev(struct drm_device *ddev, __u32 kind,
				    struct mn_dev_key *key, const char **name)
{
	struct drm_minor *minor;
	struct device *pdev;

	if (!ddev)
		return false;
	minor = BPF_CORE_READ(ddev, primary);
	pdev = BPF_CORE_READ(ddev, dev);
	key->kind = kind;
	key->id = minor ? BPF_CORE_READ(minor, index) : 0;
	*name = pdev ? BPF_CORE_READ(pdev, kobj.name) : NULL;
	return true;
}

/* Intel xe userptr: userptr vma -> its VM -> the xe device. */
static __always_inline bool resolve_xe(__u64 s, struct mn_dev_key *key,
				       const char **name)
{
	struct xe_userptr_vma___mn *uv;
	struct xe_vm___mn *vm;
	struct xe_device___mn *xe;
	struct drm_gpuvm *gv;

	if (!bpf_core_type_exists(struct xe_userptr_vma___mn) ||
	    !bpf_core_type_exists(struct xe_userptr___mn) ||
	    !bpf_core_type_exists(struct xe_vm___mn) ||
	    !bpf_core_type_exists(struct xe_device___mn))
		return false;
	uv = (void *)(s - bpf_core_field_offset(struct xe_userptr_vma___mn, userptr) -
		      bpf_core_field_offset(struct xe_userptr___mn, notifier));
	gv = BPF_CORE_READ(uv, vma.gpuva.vm);
	vm = gv ? (void *)((__u64)gv - bpf_core_field_offset(struct xe_vm___mn, gpuvm))
		: NULL;
	xe = vm ? BPF_CORE_READ(vm, xe) : NULL;
	if (!xe)
		return false;
	return drm_dev((struct drm_device *)__builtin_preserve_access_index(&xe->drm),
		       MN_DEV_XE, key, name);
}

/*
 * amdgpu userptr BOs (amdgpu_hmm_gfx_ops, amdgpu_hmm_hsa_ops): the
 * subscription is amdgpu_bo::notifier; the BO's TTM device is embedded in
 * the amdgpu_device (mman.bdev), which embeds its DRM device (ddev).
 */
static __always_inline bool resolve_amdgpu(__u64 s, struct mn_dev_key *key,
					   const char **name)
{
	struct amdgpu_device___mn *adev;
	struct amdgpu_bo___mn *bo;
	struct ttm_device *bdev;

	if (!bpf_core_type_exists(struct amdgpu_bo___mn) ||
	    !bpf_core_type_exists(struct amdgpu_device___mn) ||
	    !bpf_core_field_exists(struct amdgpu_bo___mn, notifier) ||
	    !bpf_core_field_exists(struct amdgpu_device___mn, mman.bdev))
		return false;
	bo = (void *)(s - bpf_core_field_offset(struct amdgpu_bo___mn, notifier));
	bdev = BPF_CORE_READ(bo, tbo.bdev);
	if (!bdev)
		return false;
	adev = (void *)((__u64)bdev -
			bpf_core_field_offset(struct amdgpu_device___mn, mman.bdev));
	return drm_dev((struct drm_device *)__builtin_preserve_access_index(&adev->ddev),
		       MN_DEV_AMDGPU, key, name);
}

/*
 * nouveau SVM (nouveau_svm_mni_ops): struct svm_notifier -> its SVM mm ->
 * VMM -> client -> nouveau_drm -> the DRM device.
 */
static __always_inline bool resolve_nouveau(__u64 s, struct mn_dev_key *key,
					    const char **name)
{
	struct svm_notifier___mn *sn;
	struct nouveau_drm___mn *drm;

	if (!bpf_core_type_exists(struct svm_notifier___mn) ||
	    !bpf_core_type_exists(struct nouveau_svmm___mn) ||
	    !bpf_core_type_exists(struct nouveau_vmm___mn) ||
	    !bpf_core_type_exists(struct nouveau_cli___mn) ||
	    !bpf_core_type_exists(struct nouveau_drm___mn))
		return false;
	sn = (void *)(s - bpf_core_field_offset(struct svm_notifier___mn, notifier));
	drm = BPF_CORE_READ(sn, svmm, vmm, cli, drm);
	if (!drm)
		return false;
	return drm_dev(BPF_CORE_READ(drm, dev), MN_DEV_NOUVEAU, key, name);
}

/*
 * RDMA on-demand paging (mlx5_mn_ops, rxe_mn_ops): the subscription is
 * ib_umem_odp::notifier; its umem names the ib_device ("mlx5_0").
 */
static __always_inline bool resolve_rdma(__u64 s, struct mn_dev_key *key,
					 const char **name)
{
	struct ib_umem_odp___mn *odp;
	struct ib_device___mn *ibdev;

	if (!bpf_core_type_exists(struct ib_umem_odp___mn) ||
	    !bpf_core_type_exists(struct ib_device___mn) ||
	    !bpf_core_field_exists(struct ib_device___mn, index) ||
	    !bpf_core_field_exists(struct ib_device___mn, name))
		return false;
	odp = (void *)(s - bpf_core_field_offset(struct ib_umem_odp___mn, notifier));
	ibdev = BPF_CORE_READ(odp, umem.ibdev);
	if (!ibdev)
		return false;
	key->kind = MN_DEV_RDMA;
	key->id = BPF_CORE_READ(ibdev, index);
	*name = (const char *)__builtin_preserve_access_index(&ibdev->name);
	return true;
}

/*
 * A device of a driver without a resolver: one per ops (id 0), or with
 * --per-subscription one per subscription, numbered per ops from 1 in
 * order of first sight, up to MN_MAX_PER_SUB (later ones: id 0, counted).
 */
static __always_inline void resolve_other(__u64 s, __u64 ops,
					  struct mn_dev_key *key)
{
	struct mn_other_id oid = { .ops = ops };
	__u32 *n, *next, id, zero = 0;
	int i;

	key->kind = MN_DEV_OTHER;
	key->id = 0;
	if (!per_subscription)
		return;
	n = bpf_map_lookup_elem(&other_ids, &s);
	if (n) {
		key->id = *n;
		return;
	}
	next = bpf_map_lookup_elem(&other_next, &ops);
	if (!next) {
		bpf_map_update_elem(&other_next, &ops, &zero, BPF_NOEXIST);
		next = bpf_map_lookup_elem(&other_next, &ops);
		if (!next) {
			count(MN_C_PER_SUB_FULL);
			return;
		}
	}
	/*
	 * Number it: the first free number after the ops' last one. Without
	 * atomic fetch (the build targets BPF ISA v1), two CPUs may read the
	 * same number; other_subs ((ops, number) -> subscription) decides
	 * who gets it, the other tries the next one.
	 */
	for (i = 0; i < 8; i++) {
		id = *next + 1;
		if (id > MN_MAX_PER_SUB)
			break;
		*next = id;
		oid.id = id;
		if (bpf_map_update_elem(&other_subs, &oid, &s, BPF_NOEXIST) == 0) {
			if (bpf_map_update_elem(&other_ids, &s, &id, BPF_NOEXIST) == 0) {
				key->id = id;
				return;
			}
			bpf_map_delete_elem(&other_subs, &oid);
			break;
		}
	}
	n = bpf_map_lookup_elem(&other_ids, &s);	/* lost a race? */
	if (n) {
		key->id = *n;
		return;
	}
	count(MN_C_PER_SUB_FULL);
}

/*
 * Resolve a subscription to its device. *name is set to a kernel pointer
 * to the device's name when the resolver knows one.
 */
static __always_inline void resolve(struct mmu_interval_notifier *sub,
				    __u64 ops, struct mn_dev_key *key,
				    const char **name)
{
	struct mn_ops_kind *ok;
	__u64 s = (__u64)sub;
	bool found = false;

	key->ops = ops;
	key->kind = MN_DEV_OTHER;
	key->id = 0;
	*name = NULL;

	ok = bpf_map_lookup_elem(&ops_kind, &ops);
	if (ok) {
		switch (ok->kind) {
		case MN_DEV_MNSIM:
			found = resolve_mnsim(s, key, name);
			break;
		case MN_DEV_HMM:
			found = resolve_hmm(s, ok->variant, key, name);
			break;
		case MN_DEV_XE:
			found = resolve_xe(s, key, name);
			break;
		case MN_DEV_AMDGPU:
			found = resolve_amdgpu(s, key, name);
			break;
		case MN_DEV_NOUVEAU:
			found = resolve_nouveau(s, key, name);
			break;
		case MN_DEV_RDMA:
			found = resolve_rdma(s, key, name);
			break;
		}
	}
	if (!found) {
		*name = NULL;
		resolve_other(s, ops, key);
	}
}

/* Create the device table entry of a device if new. */
static __always_inline void dev_touch(const struct mn_dev_key *key, __u64 sub,
				      const char *name)
{
	struct mn_dev_info info = {};
	long err;

	if (bpf_map_lookup_elem(&devices, key))
		return;
	if (name)
		bpf_probe_read_kernel_str(info.name, sizeof(info.name), name);
	info.sub = sub;
	err = bpf_map_update_elem(&devices, key, &info, BPF_NOEXIST);
	if (err && err != -EEXIST)
		count(MN_C_DEV_FULL);
}

#endif /* MN_DEVICES_BPF_H */
