/// \file python/src/fs.cc
/// \brief quire.fs: one set of file operations over local disk, memory, S3 and
/// Azure Blob, and the raw files behind quire.fs.open().

#include <pybind11/stl.h>

#include <chrono>

#include "common.h"
#include "quire/io/file_system.h"
#include "quire/io/output_stream.h"

namespace quire::python {
namespace {

io::FileSystemAndPath Resolve(const std::string& url) {
  return Unwrap(io::FileSystemFromUrl(url));
}

py::dict InfoDict(const io::FileSystem& fs, const io::FileInfo& info) {
  py::dict d;
  d["url"] = fs.Url(info.path);
  d["path"] = info.path;
  d["type"] = info.is_dir() ? "directory" : "file";
  d["size"] = info.size;
  if (info.mtime) {
    d["mtime"] = std::chrono::duration<double>(info.mtime->time_since_epoch()).count();
  } else {
    d["mtime"] = py::none();
  }
  d["etag"] = info.etag;
  return d;
}

// A file opened for reading: positional reads, the position kept by Python.
struct InputFile {
  std::unique_ptr<io::RandomAccessFile> file;
  int64_t size = 0;
};

// A file opened for writing: visible whole once closed, never half-written.
struct OutputFile {
  std::unique_ptr<io::OutputStream> stream;
};

std::vector<io::FileInfo> ListOrSelf(io::FileSystem& fs, const std::string& path,
                                     bool recursive) {
  if (io::HasGlob(path)) return Unwrap(io::Glob(fs, path));
  auto info = Unwrap(WithoutGil([&] { return fs.Stat(path); }));
  if (info.is_file()) return {info};
  io::ListOptions options;
  options.recursive = recursive;
  return Unwrap(WithoutGil([&] { return fs.ListAll(path, options); }));
}

}  // namespace

void RegisterFs(py::module_& m) {
  auto f = m.def_submodule("fs", "Files on any store quire reaches.");
  f.def(
      "ls",
      [](const std::string& url, bool recursive) {
        auto [fs, path] = Resolve(url);
        py::list out;
        for (const auto& info : ListOrSelf(*fs, path, recursive)) out.append(InfoDict(*fs, info));
        return out;
      },
      py::arg("url"), py::arg("recursive") = false);
  f.def(
      "stat",
      [](const std::string& url) {
        auto [fs, path] = Resolve(url);
        auto info = Unwrap(WithoutGil([&, &fs = fs, &path = path] { return fs->Stat(path); }));
        return InfoDict(*fs, info);
      },
      py::arg("url"));
  f.def(
      "du",
      [](const std::string& url) {
        auto [fs, path] = Resolve(url);
        auto info = Unwrap(WithoutGil([&, &fs = fs, &path = path] { return fs->Stat(path); }));
        if (info.is_file()) return info.size;
        io::ListOptions options;
        options.recursive = true;
        auto all = Unwrap(
            WithoutGil([&, &fs = fs, &path = path] { return fs->ListAll(path, options); }));
        int64_t total = 0;
        for (const auto& e : all) {
          if (e.is_file()) total += e.size;
        }
        return total;
      },
      py::arg("url"));
  f.def(
      "rm",
      [](const std::string& url, bool recursive, bool missing_ok) {
        auto [fs, path] = Resolve(url);
        auto info = WithoutGil([&, &fs = fs, &path = path] { return fs->Stat(path); });
        if (!info.ok()) {
          if (info.status().code() == ErrorCode::kNotFound && missing_ok) return;
          throw StatusError(info.status());
        }
        if (info->is_dir()) {
          if (!recursive) {
            throw StatusError(
                Status::Invalid("{} is a directory: pass recursive=True to remove it", url));
          }
          Check(WithoutGil([&, &fs = fs, &path = path] { return fs->DeleteDir(path); }));
          return;
        }
        std::vector<std::string> paths{path};
        Check(WithoutGil([&, &fs = fs] { return fs->Delete(paths); }));
      },
      py::arg("url"), py::arg("recursive") = false, py::arg("missing_ok") = false);
  f.def(
      "mkdir",
      [](const std::string& url) {
        auto [fs, path] = Resolve(url);
        Check(WithoutGil([&, &fs = fs, &path = path] { return fs->CreateDir(path); }));
      },
      py::arg("url"));
  f.def(
      "cp",
      [](const std::string& from, const std::string& to, bool recursive) {
        auto [from_fs, from_path] = Resolve(from);
        auto [to_fs, to_path] = Resolve(to);
        auto info = Unwrap(
            WithoutGil([&, &fs = from_fs, &p = from_path] { return fs->Stat(p); }));
        int64_t copied = 0;
        if (info.is_file()) {
          Check(WithoutGil([&, &a = from_fs, &ap = from_path, &b = to_fs, &bp = to_path] {
            return io::CopyFile(*a, ap, *b, bp);
          }));
          return int64_t(1);
        }
        if (!recursive) {
          throw StatusError(
              Status::Invalid("{} is a directory: pass recursive=True to copy it", from));
        }
        io::ListOptions options;
        options.recursive = true;
        auto all = Unwrap(
            WithoutGil([&, &fs = from_fs, &p = from_path] { return fs->ListAll(p, options); }));
        const std::string prefix = from_path.empty() ? "" : from_path + "/";
        for (const auto& e : all) {
          if (!e.is_file()) continue;
          const std::string rel = e.path.substr(std::min(prefix.size(), e.path.size()));
          const std::string target = io::JoinPath(to_path, rel);
          Check(WithoutGil([&, &a = from_fs, &b = to_fs] {
            return io::CopyFile(*a, e.path, *b, target);
          }));
          ++copied;
          CheckSignals();
        }
        return copied;
      },
      py::arg("src"), py::arg("dst"), py::arg("recursive") = false);
  f.def(
      "mv",
      [](const std::string& from, const std::string& to) {
        auto [from_fs, from_path] = Resolve(from);
        auto [to_fs, to_path] = Resolve(to);
        if (from_fs == to_fs) {
          Check(WithoutGil([&, &fs = from_fs, &a = from_path, &b = to_path] {
            return fs->Move(a, b);
          }));
          return;
        }
        // Across stores: copy whole, then delete the source.
        Check(WithoutGil([&, &a = from_fs, &ap = from_path, &b = to_fs, &bp = to_path] {
          return io::CopyFile(*a, ap, *b, bp);
        }));
        std::vector<std::string> paths{from_path};
        Check(WithoutGil([&, &fs = from_fs] { return fs->Delete(paths); }));
      },
      py::arg("src"), py::arg("dst"));

  py::class_<InputFile>(f, "InputFile")
      .def(py::init([](const std::string& url) {
             InputFile in;
             in.file = Unwrap(WithoutGil([&] { return io::OpenReadUrl(url); }));
             in.size = Unwrap(WithoutGil([&] { return in.file->Size(); }));
             return in;
           }),
           py::arg("url"))
      .def_property_readonly("size", [](const InputFile& in) { return in.size; })
      .def("read_at",
           [](const InputFile& in, int64_t offset, int64_t length) {
             if (offset >= in.size || length <= 0) return py::bytes();
             length = std::min(length, in.size - offset);
             auto buffer = Unwrap(WithoutGil([&] { return in.file->ReadAt(offset, length); }));
             return py::bytes(reinterpret_cast<const char*>(buffer->data()),
                              size_t(buffer->size()));
           })
      .def("readinto_at", [](const InputFile& in, int64_t offset, py::buffer target) {
        py::buffer_info info = target.request(/*writable=*/true);
        int64_t length = info.size * info.itemsize;
        if (offset >= in.size || length <= 0) return int64_t(0);
        length = std::min(length, in.size - offset);
        auto buffer = Unwrap(WithoutGil([&] { return in.file->ReadAt(offset, length); }));
        std::memcpy(info.ptr, buffer->data(), size_t(buffer->size()));
        return buffer->size();
      });

  py::class_<OutputFile>(f, "OutputFile")
      .def(py::init([](const std::string& url, bool overwrite) {
             io::WriteOptions options;
             options.overwrite = overwrite;
             OutputFile out;
             out.stream = Unwrap(WithoutGil([&] { return io::OpenWriteUrl(url, options); }));
             return out;
           }),
           py::arg("url"), py::arg("overwrite") = true)
      .def("write",
           [](OutputFile& out, py::buffer data) {
             if (!out.stream) throw StatusError(Status::Invalid("write to a closed file"));
             py::buffer_info info = data.request();
             const int64_t n = info.size * info.itemsize;
             Check(WithoutGil([&] {
               return out.stream->Write({static_cast<const uint8_t*>(info.ptr), size_t(n)});
             }));
             return n;
           })
      .def("close",
           [](OutputFile& out) {
             if (!out.stream) return;
             auto stream = std::move(out.stream);
             Check(WithoutGil([&] { return stream->Close(); }));
           })
      .def("abort",
           [](OutputFile& out) {
             if (!out.stream) return;
             auto stream = std::move(out.stream);
             stream->Abort();
           })
      .def_property_readonly("closed", [](const OutputFile& out) { return !out.stream; });
}

}  // namespace quire::python
