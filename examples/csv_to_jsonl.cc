/// \file examples/csv_to_jsonl.cc
/// \brief Read CSV with an inferred schema and a rejects stream, and write it
/// as JSON Lines: `csv_to_jsonl [IN.csv [OUT.jsonl]]` (a built-in sample and
/// stdout without arguments).
#include <cstdio>
#include <string>

#include "quire/columnar/api.h"
#include "quire/io/api.h"
#include "quire/text/api.h"
#include "quire/util/progress.h"

using namespace quire;  // NOLINT

namespace {

constexpr const char* kSample =
    "id,name,price,day\n"
    "1,apple,0.5,2024-05-01\n"
    "2,\"pear, green\",1.25,2024-05-02\n"
    "3,plum,oops,2024-05-03\n"  // price is no float: rejected
    "4,,2,2024-05-04\n";

Status Run(int argc, char** argv) {
  std::unique_ptr<io::InputStream> input;
  if (argc > 1) {
    QUIRE_ASSIGN_OR_RETURN(input, io::OpenLocalInput(argv[1]));
  } else {
    input = io::MakeStringInput(kSample, "sample.csv");
  }
  QUIRE_ASSIGN_OR_RETURN(std::optional<int64_t> size, input->size());

  // Malformed rows go to memory here; a CLI would open a file.
  io::BufferOutputStream rejects("rejects.csv");
  text::CsvReadOptions options;
  options.rejects = &rejects;
  options.infer_rows = 2;  // the sample's third row then does not fit
  QUIRE_ASSIGN_OR_RETURN(auto reader, text::CsvReader::Open(std::move(input), options));
  std::fprintf(stderr, "schema:\n%s\n", reader->schema()->ToString().c_str());

  std::unique_ptr<io::OutputStream> out;
  if (argc > 2) {
    QUIRE_ASSIGN_OR_RETURN(out, io::OpenLocalOutput(argv[2]));
  } else {
    out = std::make_unique<io::BufferOutputStream>("stdout");
  }
  QUIRE_ASSIGN_OR_RETURN(auto writer, text::JsonlWriter::Make(reader->schema(), out.get()));
  util::ProgressBar progress(size, {.label = "converting"});
  while (true) {
    QUIRE_ASSIGN_OR_RETURN(columnar::RecordBatchPtr batch, reader->Next());
    if (!batch) break;
    QUIRE_RETURN_NOT_OK(writer->Write(*batch));
    progress.Update(reader->bytes_read());
  }
  progress.Finish();
  QUIRE_RETURN_NOT_OK(writer->Close());
  QUIRE_RETURN_NOT_OK(out->Close());
  QUIRE_RETURN_NOT_OK(rejects.Close());
  if (argc <= 2) {
    auto* memory = static_cast<io::BufferOutputStream*>(out.get());
    std::fwrite(memory->buffer()->data(), 1, size_t(memory->buffer()->size()), stdout);
  }
  std::fprintf(stderr, "%lld rows, %lld rejected:\n%s", (long long)reader->rows_read(),
               (long long)reader->rows_rejected(),
               std::string(rejects.buffer()->ToStringView()).c_str());
  if (argc <= 1 && (reader->rows_read() != 3 || reader->rows_rejected() != 1)) {
    return Status::Internal("the sample should give 3 rows and 1 reject");
  }
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  const Status st = Run(argc, argv);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
