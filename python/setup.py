"""Build and install quire's Python package with the project's CMake.

    pip install --no-build-isolation ./python      (from the project root)

The _quire extension is built by CMake from the sources beside this folder
(Release, without tests); QUIRE_BUILD_DIR=<an existing CMake build tree> reuses
that tree instead (the project's tests install from build/release this way).
Nothing is fetched: setuptools and pybind11 come from Debian's packages.
"""

import glob
import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("QUIRE_BUILD_DIR")
        if build_dir:
            build_dir = os.path.abspath(build_dir)
        else:
            build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            subprocess.check_call(["cmake", "-S", ROOT, "-B", build_dir, *generator,
                                   "-DCMAKE_BUILD_TYPE=Release", "-DQUIRE_BUILD_PYTHON=ON",
                                   "-DQUIRE_BUILD_TESTS=OFF",
                                   f"-DPython_EXECUTABLE={sys.executable}"])
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "_quire", "-j",
                               str(os.cpu_count() or 1)])
        built = glob.glob(os.path.join(build_dir, "python", "_quire*.so"))
        if not built:
            raise RuntimeError(f"CMake built no _quire module in {build_dir}/python")
        target = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="quire",
    version="0.1.0",
    description="Parquet files and Delta tables on local disks and object stores",
    packages=["quire"],
    ext_modules=[CMakeExtension("_quire")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy", "pandas"],
    extras_require={"dask": ["dask", "distributed"]},
    zip_safe=False,
)
