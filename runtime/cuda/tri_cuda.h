/* tri_cuda.h - run the PTX of --target=ptx through the CUDA driver API.
 *
 * The library loads libcuda.so.1 with dlopen when it is opened, so it builds
 * and links on machines without a GPU or a driver; there every call fails
 * with "no CUDA driver found ..." instead of crashing. It is the device half
 * of the runner: load a PTX module, allocate and copy buffers, launch a
 * kernel with its parameters. The launch manifest ({name}.json, the host
 * half) is read by python/triton_dsl/cuda.py, which calls these functions
 * through ctypes (docs/targets/ptx.md).
 *
 * Every function returns 0 on success, or non-zero with a message in the
 * runner's last error (tri_cuda_last_error), never aborts.
 */
#ifndef TRI_CUDA_H
#define TRI_CUDA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tri_cuda tri_cuda;

/* The message of the last failure in this thread (also of tri_cuda_open). */
const char *tri_cuda_last_error(void);

/* Loads the driver, initializes it and makes device `device`'s primary
 * context current. Fails with "no CUDA driver found (...)" when
 * libcuda.so.1 cannot be loaded, "no CUDA device ..." when there is none. */
int tri_cuda_open(int device, tri_cuda **out);
/* Opens the CPU emulator instead (tri_emulator.h): `library` is the shared
 * library linked from {name}.emulator.o of --emit=emulator. Kernels are its
 * entry points, "device" buffers host memory (256-byte aligned), launches
 * run to completion; PTX cannot be loaded. */
int tri_cuda_open_emulator(const char *library, tri_cuda **out);
void tri_cuda_close(tri_cuda *cuda);
/* The device's name (empty before a successful open). */
const char *tri_cuda_device_name(const tri_cuda *cuda);
/* The device's number of multiprocessors (SMs), which the persistent
 * kernels' grids scale with (the manifest's "sms"); the CPU emulator
 * reports 1, so that their warps walk several tiles even on small tests;
 * 0 when `cuda` is not open. */
int tri_cuda_multiprocessor_count(const tri_cuda *cuda);

/* Loads PTX text (NUL-terminated) as the runner's module; JIT-compiled by
 * the driver for the device. Replaces a previously loaded module. */
int tri_cuda_load_ptx(tri_cuda *cuda, const char *ptx);
/* A kernel of the loaded module. */
int tri_cuda_get_kernel(tri_cuda *cuda, const char *name, void **kernel);

int tri_cuda_alloc(tri_cuda *cuda, size_t bytes, uint64_t *device_pointer);
int tri_cuda_free(tri_cuda *cuda, uint64_t device_pointer);
int tri_cuda_upload(tri_cuda *cuda, uint64_t device_pointer, const void *host,
                    size_t bytes);
int tri_cuda_download(tri_cuda *cuda, void *host, uint64_t device_pointer,
                      size_t bytes);
int tri_cuda_copy(tri_cuda *cuda, uint64_t to, uint64_t from, size_t bytes);

/* Launches `kernel` on the current stream: `params[i]` points at the value
 * of kernel parameter i (cuLaunchKernel's convention). A grid or block with
 * a zero dim is an error: the caller skips empty launches. */
int tri_cuda_launch(tri_cuda *cuda, void *kernel, const unsigned grid[3],
                    const unsigned block[3], unsigned shared_bytes,
                    void **params);
/* Waits for the launches; reports a kernel's failure. */
int tri_cuda_synchronize(tri_cuda *cuda);

#ifdef __cplusplus
}
#endif

#endif /* TRI_CUDA_H */
