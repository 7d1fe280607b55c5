/* tri-cuda-info: opens the runner on device 0 and prints the device's name
 * and its multiprocessor count, or the runner's error and exit status 1 (no
 * driver, no device). lit uses it to decide the `cuda` feature; the no-GPU
 * test checks its message. */
#include "tri_cuda.h"

#include <stdio.h>

int main(void) {
  tri_cuda *cuda = NULL;
  if (tri_cuda_open(0, &cuda)) {
    fprintf(stderr, "tri-cuda-info: %s\n", tri_cuda_last_error());
    return 1;
  }
  printf("%s, %d SMs\n", tri_cuda_device_name(cuda),
         tri_cuda_multiprocessor_count(cuda));
  tri_cuda_close(cuda);
  return 0;
}
