/* tri_cuda.c - the CUDA driver API through dlopen (tri_cuda.h). */
#include "tri_cuda.h"
#include "tri_emulator.h"

#include <cuda.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_error[512];

static int fail(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return 1;
}

const char *tri_cuda_last_error(void) { return last_error; }

/* The driver functions the runner calls, resolved by name. The _v2 names
 * are the ones cuda.h's macros select. */
struct tri_cuda {
  void *library;
  /* tri_cuda_open_emulator: the kernels are functions of `library`,
   * buffers are host memory. */
  int emulated;
  CUdevice device;
  CUcontext context;
  CUmodule module;
  char name[256];
  /* The device's multiprocessors (1 for the emulator). */
  int multiprocessors;
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, CUdevice_attribute, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuCtxSynchronize)(void);
  CUresult (*cuModuleLoadDataEx)(CUmodule *, const void *, unsigned,
                                 CUjit_option *, void **);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*cuMemcpyDtoD)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, unsigned, CUstream,
                             void **, void **);
  CUresult (*cuGetErrorString)(CUresult, const char **);
};

static int check(const tri_cuda *cuda, CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return 0;
  const char *message = NULL;
  if (cuda->cuGetErrorString)
    cuda->cuGetErrorString(result, &message);
  return fail("%s failed: %s (CUresult %d)", what,
              message ? message : "unknown error", (int)result);
}

#define RESOLVE(field, symbol)                                                 \
  do {                                                                         \
    *(void **)(&cuda->field) = dlsym(cuda->library, symbol);                   \
    if (!cuda->field) {                                                        \
      fail("the CUDA driver has no %s", symbol);                               \
      goto error;                                                              \
    }                                                                          \
  } while (0)

int tri_cuda_open(int device, tri_cuda **out) {
  if (!out)
    return fail("tri_cuda_open: no result pointer");
  *out = NULL;
  tri_cuda *cuda = calloc(1, sizeof *cuda);
  if (!cuda)
    return fail("out of memory");
  cuda->library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!cuda->library) {
    const char *why = dlerror();
    free(cuda);
    return fail("no CUDA driver found (dlopen libcuda.so.1: %s)",
                why ? why : "not found");
  }
  RESOLVE(cuInit, "cuInit");
  RESOLVE(cuDeviceGetCount, "cuDeviceGetCount");
  RESOLVE(cuDeviceGet, "cuDeviceGet");
  RESOLVE(cuDeviceGetName, "cuDeviceGetName");
  RESOLVE(cuDeviceGetAttribute, "cuDeviceGetAttribute");
  RESOLVE(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  RESOLVE(cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  RESOLVE(cuCtxSetCurrent, "cuCtxSetCurrent");
  RESOLVE(cuCtxSynchronize, "cuCtxSynchronize");
  RESOLVE(cuModuleLoadDataEx, "cuModuleLoadDataEx");
  RESOLVE(cuModuleUnload, "cuModuleUnload");
  RESOLVE(cuModuleGetFunction, "cuModuleGetFunction");
  RESOLVE(cuMemAlloc, "cuMemAlloc_v2");
  RESOLVE(cuMemFree, "cuMemFree_v2");
  RESOLVE(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  RESOLVE(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  RESOLVE(cuMemcpyDtoD, "cuMemcpyDtoD_v2");
  RESOLVE(cuLaunchKernel, "cuLaunchKernel");
  RESOLVE(cuGetErrorString, "cuGetErrorString");
  if (check(cuda, cuda->cuInit(0), "cuInit"))
    goto error;
  int count = 0;
  if (check(cuda, cuda->cuDeviceGetCount(&count), "cuDeviceGetCount"))
    goto error;
  if (device < 0 || device >= count) {
    fail("no CUDA device %d (the driver sees %d)", device, count);
    goto error;
  }
  if (check(cuda, cuda->cuDeviceGet(&cuda->device, device), "cuDeviceGet") ||
      check(cuda, cuda->cuDeviceGetName(cuda->name, sizeof cuda->name,
                                        cuda->device),
            "cuDeviceGetName") ||
      check(cuda,
            cuda->cuDeviceGetAttribute(&cuda->multiprocessors,
                                       CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                                       cuda->device),
            "cuDeviceGetAttribute") ||
      check(cuda, cuda->cuDevicePrimaryCtxRetain(&cuda->context, cuda->device),
            "cuDevicePrimaryCtxRetain"))
    goto error;
  if (check(cuda, cuda->cuCtxSetCurrent(cuda->context), "cuCtxSetCurrent")) {
    cuda->cuDevicePrimaryCtxRelease(cuda->device);
    cuda->context = NULL;
    goto error;
  }
  *out = cuda;
  return 0;
error:
  dlclose(cuda->library);
  free(cuda);
  return 1;
}

int tri_cuda_open_emulator(const char *library, tri_cuda **out) {
  if (!out)
    return fail("tri_cuda_open_emulator: no result pointer");
  *out = NULL;
  if (!library)
    return fail("tri_cuda_open_emulator: no library");
  tri_cuda *cuda = calloc(1, sizeof *cuda);
  if (!cuda)
    return fail("out of memory");
  cuda->library = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!cuda->library) {
    const char *why = dlerror();
    free(cuda);
    return fail("cannot load the emulated kernels (%s)",
                why ? why : library);
  }
  cuda->emulated = 1;
  cuda->multiprocessors = 1;
  snprintf(cuda->name, sizeof cuda->name, "CPU emulator");
  *out = cuda;
  return 0;
}

void tri_cuda_close(tri_cuda *cuda) {
  if (!cuda)
    return;
  if (cuda->emulated) {
    dlclose(cuda->library);
    free(cuda);
    return;
  }
  if (cuda->module)
    cuda->cuModuleUnload(cuda->module);
  if (cuda->context)
    cuda->cuDevicePrimaryCtxRelease(cuda->device);
  dlclose(cuda->library);
  free(cuda);
}

const char *tri_cuda_device_name(const tri_cuda *cuda) {
  return cuda ? cuda->name : "";
}

int tri_cuda_multiprocessor_count(const tri_cuda *cuda) {
  return cuda ? cuda->multiprocessors : 0;
}

#define REQUIRE_OPEN(cuda)                                                     \
  do {                                                                         \
    if (!(cuda))                                                               \
      return fail("%s: the runner is not open (no CUDA driver found?)",        \
                  __func__);                                                   \
  } while (0)

int tri_cuda_load_ptx(tri_cuda *cuda, const char *ptx) {
  REQUIRE_OPEN(cuda);
  if (cuda->emulated)
    return fail("tri_cuda_load_ptx: the CPU emulator runs no PTX");
  if (!ptx)
    return fail("tri_cuda_load_ptx: no PTX");
  char log[4096] = {0};
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void *values[] = {log, (void *)(uintptr_t)sizeof log};
  CUmodule module;
  CUresult result =
      cuda->cuModuleLoadDataEx(&module, ptx, 2, options, values);
  if (result != CUDA_SUCCESS) {
    check(cuda, result, "cuModuleLoadDataEx");
    if (log[0]) {
      size_t used = strlen(last_error);
      snprintf(last_error + used, sizeof last_error - used, ": %s", log);
    }
    return 1;
  }
  if (cuda->module)
    cuda->cuModuleUnload(cuda->module);
  cuda->module = module;
  return 0;
}

int tri_cuda_get_kernel(tri_cuda *cuda, const char *name, void **kernel) {
  REQUIRE_OPEN(cuda);
  if (cuda->emulated) {
    char symbol[512];
    snprintf(symbol, sizeof symbol, "__tri_emu_kernel_%s", name);
    *kernel = dlsym(cuda->library, symbol);
    if (!*kernel)
      return fail("the emulated kernels have no kernel '%s'", name);
    return 0;
  }
  if (!cuda->module)
    return fail("tri_cuda_get_kernel: no PTX loaded");
  CUfunction function;
  if (cuda->cuModuleGetFunction(&function, cuda->module, name) !=
      CUDA_SUCCESS)
    return fail("the PTX has no kernel '%s'", name);
  *kernel = function;
  return 0;
}

int tri_cuda_alloc(tri_cuda *cuda, size_t bytes, uint64_t *device_pointer) {
  REQUIRE_OPEN(cuda);
  if (cuda->emulated) {
    /* cuMemAlloc's alignment, so that vector loads behave the same. */
    void *host = aligned_alloc(256, ((bytes ? bytes : 1) + 255) / 256 * 256);
    if (!host)
      return fail("the emulator cannot allocate %zu bytes", bytes);
    *device_pointer = (uint64_t)(uintptr_t)host;
    return 0;
  }
  CUdeviceptr pointer = 0;
  /* cuMemAlloc refuses 0 bytes; an empty tensor still gets an address. */
  if (check(cuda, cuda->cuMemAlloc(&pointer, bytes ? bytes : 1),
            "cuMemAlloc"))
    return 1;
  *device_pointer = pointer;
  return 0;
}

int tri_cuda_free(tri_cuda *cuda, uint64_t device_pointer) {
  REQUIRE_OPEN(cuda);
  if (cuda->emulated) {
    free((void *)(uintptr_t)device_pointer);
    return 0;
  }
  return check(cuda, cuda->cuMemFree(device_pointer), "cuMemFree");
}

int tri_cuda_upload(tri_cuda *cuda, uint64_t device_pointer, const void *host,
                    size_t bytes) {
  REQUIRE_OPEN(cuda);
  if (!bytes)
    return 0;
  if (cuda->emulated) {
    memcpy((void *)(uintptr_t)device_pointer, host, bytes);
    return 0;
  }
  return check(cuda, cuda->cuMemcpyHtoD(device_pointer, host, bytes),
               "cuMemcpyHtoD");
}

int tri_cuda_download(tri_cuda *cuda, void *host, uint64_t device_pointer,
                      size_t bytes) {
  REQUIRE_OPEN(cuda);
  if (!bytes)
    return 0;
  if (cuda->emulated) {
    memcpy(host, (const void *)(uintptr_t)device_pointer, bytes);
    return 0;
  }
  return check(cuda, cuda->cuMemcpyDtoH(host, device_pointer, bytes),
               "cuMemcpyDtoH");
}

int tri_cuda_copy(tri_cuda *cuda, uint64_t to, uint64_t from, size_t bytes) {
  REQUIRE_OPEN(cuda);
  if (!bytes)
    return 0;
  if (cuda->emulated) {
    memmove((void *)(uintptr_t)to, (const void *)(uintptr_t)from, bytes);
    return 0;
  }
  return check(cuda, cuda->cuMemcpyDtoD(to, from, bytes), "cuMemcpyDtoD");
}

int tri_cuda_launch(tri_cuda *cuda, void *kernel, const unsigned grid[3],
                    const unsigned block[3], unsigned shared_bytes,
                    void **params) {
  REQUIRE_OPEN(cuda);
  if (!kernel)
    return fail("tri_cuda_launch: no kernel");
  for (int i = 0; i < 3; ++i)
    if (!grid[i] || !block[i])
      return fail("tri_cuda_launch: an empty grid or block (%u,%u,%u) x "
                  "(%u,%u,%u)",
                  grid[0], grid[1], grid[2], block[0], block[1], block[2]);
  if (cuda->emulated) {
    if (shared_bytes)
      return fail("the emulator has no dynamic shared memory (%u bytes)",
                  shared_bytes);
    tri_emu_entry entry;
    memcpy(&entry, &kernel, sizeof entry); /* dlsym's function, as data */
    return tri_emu_launch(entry, grid, block, params, last_error,
                          sizeof last_error);
  }
  return check(cuda,
               cuda->cuLaunchKernel((CUfunction)kernel, grid[0], grid[1],
                                    grid[2], block[0], block[1], block[2],
                                    shared_bytes, NULL, params, NULL),
               "cuLaunchKernel");
}

int tri_cuda_synchronize(tri_cuda *cuda) {
  REQUIRE_OPEN(cuda);
  if (cuda->emulated)
    return 0; /* launches run to completion */
  return check(cuda, cuda->cuCtxSynchronize(), "cuCtxSynchronize");
}
