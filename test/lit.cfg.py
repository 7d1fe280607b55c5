# lit configuration of the Triton DSL compiler's regression tests.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "TRITON"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".tri", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.triton_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%{triton_src_root}", config.triton_src_root))
config.substitutions.append(("%{triton_obj_root}", config.triton_obj_root))
llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# A sanitizer build (scripts/test-sanitize.sh): --param sanitizer_preload=
# "libasan.so libubsan.so". Our tools are instrumented and bring the runtimes
# themselves; the uninstrumented programs that load an instrumented library of
# ours (python: ctypes on libtriton_runtime.so, triton_dsl._core, the LibTorch
# op; mlir-runner -shared-libs) need ASan's runtime as the process's first
# library. They run with it preloaded and without leak checks (Python and the
# JIT keep memory at exit on purpose), and lit passes TRITON_BUILD_DIR so that
# Python imports this build's triton_dsl._core.
sanitizer_preload = lit_config.params.get("sanitizer_preload")
preloaded = lambda command: command
if sanitizer_preload:
    config.available_features.add("sanitizer")
    asan_options = ":".join(
        [option for option in config.environment.get("ASAN_OPTIONS", "").split(":")
         if option and not option.startswith("detect_leaks=")] + ["detect_leaks=0"])
    preloaded = lambda command: (
        f"env 'LD_PRELOAD={sanitizer_preload}' 'ASAN_OPTIONS={asan_options}' "
        + command)
    for name in ("LSAN_OPTIONS", "TRITON_BUILD_DIR"):
        if name in os.environ:
            config.environment[name] = os.environ[name]

tool_dirs = [config.triton_tools_dir, config.llvm_tools_dir]
tools = ["triton-opt", "triton-translate", "tritonc", "tri-fuzz-replay",
         "mlir-opt", "mlir-translate", "llc", "llvm-nm", "not", "count",
         ToolSubst("mlir-runner", command=preloaded(
             os.path.join(config.llvm_tools_dir, "mlir-runner")))]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# JIT runs: MLIR's runner utilities (printMemref*) and our runtime library
# (micro-kernels), as -shared-libs for mlir-runner.
runner_utils = [os.path.join(config.llvm_lib_dir, name)
                for name in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so")]
triton_runtime = os.path.join(config.triton_obj_root, "lib", "libtriton_runtime.so")
config.substitutions.append(
    ("%{runner_libs}", "-shared-libs=" + ",".join(runner_utils + [triton_runtime])))
config.substitutions.append(("%{triton_runtime}", triton_runtime))
import sys
config.substitutions.append(
    ("%{python}", preloaded(config.python_executable or sys.executable)))
config.substitutions.append(("%{cc}", "cc"))
config.substitutions.append(("%{llvm_tools_dir}", config.llvm_tools_dir))

# --target=ptx: ptxas from the CUDA toolkit (PATH, $CUDA_PATH/bin,
# /usr/local/cuda*/bin). Where it is missing, %{ptxas} is a command that
# fails and says so: the PTX checks are part of `make test` and must not
# pass without it.
import glob
import shutil
def _find_ptxas():
    found = shutil.which("ptxas")
    if found:
        return found
    roots = [os.environ.get(v) for v in ("CUDA_PATH", "CUDA_HOME", "CUDA_ROOT")]
    roots += ["/usr/local/cuda"] + sorted(glob.glob("/usr/local/cuda-*"), reverse=True)
    for root in roots:
        if root and os.path.isfile(os.path.join(root, "bin", "ptxas")):
            return os.path.join(root, "bin", "ptxas")
    return None
_ptxas = _find_ptxas()
config.substitutions.append(
    ("%{ptxas}", _ptxas if _ptxas else
     "sh -c 'echo \"ptxas not found (looked in PATH, CUDA_PATH, /usr/local/cuda*/bin): "
     "install the CUDA toolkit (scripts/setup.sh)\" >&2; exit 1' ptxas"))
# `cuda`: a CUDA driver and a device the runner can open (test/e2e/gpu).
_cuda_info = os.path.join(config.triton_tools_dir, "tri-cuda-info")
if os.path.isfile(_cuda_info):
    config.available_features.add("cuda-runner")
    import subprocess
    if subprocess.run([_cuda_info], capture_output=True).returncode == 0:
        config.available_features.add("cuda")
    else:
        lit_config.note("no CUDA GPU: test/e2e/gpu is unsupported here ("
                        + subprocess.run([_cuda_info], capture_output=True,
                                         text=True).stderr.strip() + ")")
