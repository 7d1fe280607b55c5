"""Builds the compiled module triton_dsl._core with the project's CMake.

The repository root (this directory's parent) is configured with CMake and
only the module's target, `triton_dsl_core`, is built; the module is then
copied into the wheel. It links the system's libMLIR/libLLVM 22
(/usr/lib/llvm-22, found through its RPATH), so the machine needs the Debian
packages that scripts/setup.sh installs.

- TRITON_BUILD_DIR: a configured build directory of the project to reuse
  (e.g. the checkout's build/); default: a new one under setuptools'
  build_temp (python/build/).
- MLIR_DIR: MLIR's CMake package (default /usr/lib/llvm-22/lib/cmake/mlir).
- Editable installs (pip install -e python/) build nothing: the package then
  imports the module from the checkout's CMake build (docs/python.md).
- The LibTorch op `_torch_ops.so` (target triton_dsl_torch_ops, built
  against the torch of this Python) goes into the wheel beside `_core`;
  `import triton_dsl` registers it.
"""

import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = "triton_dsl_core"
#: The LibTorch op (python/CMakeLists.txt): shipped beside _core when the
#: build could make it (torch importable by this Python).
TORCH_OP_TARGET = "triton_dsl_torch_ops"
TORCH_OP_FILES = ("_torch_ops.so", "_torch_ops.torch_version")


class CMakeBuild(build_ext):
    def _editable(self):
        return self.inplace or getattr(self, "editable_mode", False)

    def run(self):
        if self._editable():
            print("triton_dsl: editable install; triton_dsl._core is loaded from the "
                  "CMake build ($TRITON_BUILD_DIR, default build/)")
            return
        super().run()

    def get_outputs(self):
        return [] if self._editable() else super().get_outputs()

    def get_output_mapping(self):
        return {} if self._editable() else super().get_output_mapping()

    def build_extension(self, ext):
        if not (ROOT / "CMakeLists.txt").exists():
            raise RuntimeError(f"triton_dsl._core is built from the repository; {ROOT} is not it")
        build = pathlib.Path(os.environ.get("TRITON_BUILD_DIR")
                             or pathlib.Path(self.build_temp) / "cmake").resolve()
        if not (build / "CMakeCache.txt").exists():
            self._configure(build)
        subprocess.run(["cmake", "--build", str(build), "--target", TARGET], check=True)
        name = "_core" + sysconfig.get_config_var("EXT_SUFFIX")
        built = build / "python_packages" / "triton_dsl" / name
        if not built.exists():
            raise RuntimeError(f"{built} was not built: {build} is configured for another "
                               f"Python than {sys.executable} (unset TRITON_BUILD_DIR)")
        destination = pathlib.Path(self.get_ext_fullpath(ext.name))
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, destination)
        # The LibTorch op, so that generated modules are fast with no build at
        # run time; a build without torch has no such target (skipped).
        targets = subprocess.run(["cmake", "--build", str(build), "--target", "help"],
                                 capture_output=True, text=True).stdout
        if TORCH_OP_TARGET in targets:
            subprocess.run(["cmake", "--build", str(build), "--target", TORCH_OP_TARGET],
                           check=True)
            for name in TORCH_OP_FILES:
                shutil.copy2(built.parent / name, destination.parent / name)

    def _configure(self, build):
        import pybind11

        command = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                   "-DMLIR_DIR=" + os.environ.get("MLIR_DIR", "/usr/lib/llvm-22/lib/cmake/mlir"),
                   f"-DPython3_EXECUTABLE={sys.executable}",
                   f"-Dpybind11_DIR={pybind11.get_cmake_dir()}"]
        if shutil.which("ninja"):
            command += ["-G", "Ninja"]
        if shutil.which("ccache"):
            command += ["-DCMAKE_C_COMPILER_LAUNCHER=ccache",
                        "-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"]
        subprocess.run(command, check=True)


setup(ext_modules=[Extension("triton_dsl._core", sources=[])],
      cmdclass={"build_ext": CMakeBuild})
