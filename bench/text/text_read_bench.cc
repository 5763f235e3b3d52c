/// \file bench/text/text_read_bench.cc
/// \brief Parse throughput of CsvReader and JsonlReader on a file, e.g. TPC-H
/// lineitem: `text_read_bench lineitem.csv --threads 2 [--schema lineitem]`.
///
/// Prints rows, seconds and MB/s of input. `--schema lineitem` gives the TPC-H
/// lineitem schema (int64 keys, int32, decimal(15, 2), strings, dates) instead of
/// inferring one.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "quire/columnar/type_parse.h"
#include "quire/io/input_stream.h"
#include "quire/text/csv_reader.h"
#include "quire/text/jsonl_reader.h"
#include "quire/text/csv_writer.h"
#include "quire/text/jsonl_writer.h"
#include "quire/io/output_stream.h"

namespace {

using namespace quire;

columnar::SchemaPtr LineitemSchema() {
  return columnar::ParseSchema(
             "l_orderkey: int64, l_partkey: int64, l_suppkey: int64, l_linenumber: int32,\n"
             "l_quantity: decimal(15,2), l_extendedprice: decimal(15,2),\n"
             "l_discount: decimal(15,2), l_tax: decimal(15,2),\n"
             "l_returnflag: string, l_linestatus: string,\n"
             "l_shipdate: date, l_commitdate: date, l_receiptdate: date,\n"
             "l_shipinstruct: string, l_shipmode: string, l_comment: string")
      .ValueOrDie();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [--threads N] [--schema lineitem] [--jsonl]\n", argv[0]);
    return 2;
  }
  std::string path = argv[1];
  int threads = 1;
  bool lineitem = false;
  bool jsonl = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
  std::string write;  // "csv" or "jsonl": also time writing the batches back out
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
    if (!std::strcmp(argv[i], "--schema") && i + 1 < argc) lineitem = !std::strcmp(argv[++i], "lineitem");
    if (!std::strcmp(argv[i], "--jsonl")) jsonl = true;
    if (!std::strcmp(argv[i], "--write") && i + 1 < argc) write = argv[++i];
  }
  auto input = io::OpenLocalInput(path);
  if (!input.ok()) {
    std::fprintf(stderr, "%s\n", input.status().ToString().c_str());
    return 1;
  }
  const int64_t size = (*input)->size()->value_or(0);
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<columnar::RecordBatchReader> reader;
  if (jsonl) {
    text::JsonlReadOptions options;
    options.num_threads = threads;
    if (lineitem) options.schema = LineitemSchema();
    auto r = text::JsonlReader::Open(std::move(*input), options);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    reader = std::move(*r);
  } else {
    text::CsvReadOptions options;
    options.num_threads = threads;
    if (lineitem) options.schema = LineitemSchema();
    auto r = text::CsvReader::Open(std::move(*input), options);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
      return 1;
    }
    reader = std::move(*r);
  }
  int64_t rows = 0, batches = 0;
  std::vector<columnar::RecordBatchPtr> kept;
  while (true) {
    auto batch = reader->Next();
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
      return 1;
    }
    if (*batch == nullptr) break;
    rows += (*batch)->num_rows();
    ++batches;
    if (!write.empty()) kept.push_back(*batch);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%s: %lld rows in %lld batches, %.3f s, %.1f MB/s (%d thread%s)\nschema:\n%s\n",
              path.c_str(), (long long)rows, (long long)batches, seconds,
              double(size) / 1e6 / seconds, threads, threads == 1 ? "" : "s",
              reader->schema()->ToString().c_str());
  if (!write.empty()) {
    // Into memory, in 64 MiB pieces that are dropped: the cost of rendering only.
    class NullOutput final : public io::OutputStream {
     public:
      Status Write(std::span<const uint8_t> data) override {
        bytes_ += int64_t(data.size());
        return Status::OK();
      }
      using io::OutputStream::Write;
      int64_t position() const override { return bytes_; }
      Status Close() override { return Status::OK(); }
      void Abort() override {}
      const std::string& path() const override { return path_; }

     private:
      int64_t bytes_ = 0;
      std::string path_ = "null";
    } out;
    const auto wstart = std::chrono::steady_clock::now();
    Status st;
    if (write == "csv") {
      auto w = text::CsvWriter::Make(reader->schema(), &out).ValueOrDie();
      for (const auto& b : kept) st = w->Write(*b);
      st = w->Close();
    } else {
      auto w = text::JsonlWriter::Make(reader->schema(), &out).ValueOrDie();
      for (const auto& b : kept) st = w->Write(*b);
      st = w->Close();
    }
    const double ws =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wstart).count();
    std::printf("write %s: %lld bytes in %.3f s, %.1f MB/s of output\n", write.c_str(),
                (long long)out.position(), ws, double(out.position()) / 1e6 / ws);
  }
  return 0;
}
