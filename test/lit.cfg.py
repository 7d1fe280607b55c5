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

tool_dirs = [config.triton_tools_dir, config.llvm_tools_dir]
tools = ["triton-opt", "triton-translate", "tritonc", "tri-fuzz-replay",
         "mlir-opt", "mlir-runner", "mlir-translate", "llc", "llvm-nm", "not",
         "count"]
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
config.substitutions.append(("%{python}", config.python_executable or sys.executable))
config.substitutions.append(("%{cc}", "cc"))
config.substitutions.append(("%{llvm_tools_dir}", config.llvm_tools_dir))
