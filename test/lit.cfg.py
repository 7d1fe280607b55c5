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
tools = ["triton-opt", "triton-translate", "mlir-opt", "not", "count"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
