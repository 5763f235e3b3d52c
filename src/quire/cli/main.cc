/// \file quire/cli/main.cc
/// \brief The `quire` command: entry point and subcommand dispatch.

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "quire/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"quire: analytical tables as Parquet files on local disks and object stores"};
  app.set_version_flag("--version", std::string("quire ") + QUIRE_VERSION);
  app.require_subcommand(1);

  auto* demo = app.add_subcommand(
      "demo", "Show the columnar layer: build a batch of every type, validate it, hand it "
              "through the Arrow C Data Interface and print it as a table and as JSON");
  int64_t rows = 8;
  demo->add_option("--rows", rows, "Rows in the demonstration batch")->check(CLI::Range(1, 1000000));

  quire::cli::CatOptions cat_options;
  auto* cat = app.add_subcommand("cat", "Print the rows of a Parquet file");
  cat->add_option("FILE", cat_options.path, "Parquet file")->required();
  cat->add_option("--columns", cat_options.columns, "Top-level columns to print, in order")
      ->delimiter(',');
  cat->add_option("--where", cat_options.where,
                  "Print only the rows where the condition holds, e.g. "
                  "\"a > 10 and b in ('x','y') and c is not null\" (comparisons = != < <= > >=, "
                  "and, or, not, in (...), is [not] null; 'strings', numbers, true, false, "
                  "null; dates as 'YYYY-MM-DD')");
  cat->add_option("--limit", cat_options.limit, "Print at most this many rows");
  cat->add_option("--format", cat_options.format,
                  "jsonl: one canonical JSON array per row (the form of the conformance "
                  "corpus); table: an aligned text table; csv: RFC 4180 with a header row "
                  "(nulls empty, empty strings \"\", nested values as canonical JSON)")
      ->check(CLI::IsMember({"jsonl", "table", "csv"}));
  cat->add_flag("--verify-crc", cat_options.verify_crc, "Check page CRC-32s");
  cat->add_flag("--stats", cat_options.show_stats,
                "Print to stderr what --where pruned: row groups (statistics, bloom "
                "filters, page index), pages, bytes not read, rows decoded and kept");

  quire::cli::InspectOptions inspect_options;
  auto* inspect = app.add_subcommand(
      "inspect", "Describe a Parquet file: schema (Parquet and Arrow), key-value metadata, "
                 "created_by, and per row group and column chunk the encodings, codec, "
                 "sizes, statistics, page index and bloom filter");
  inspect->add_option("FILE", inspect_options.path, "Parquet file")->required();
  inspect->add_option("--format", inspect_options.format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));
  inspect->add_flag("--pages", inspect_options.pages,
                    "Also list every page of every column chunk: kind, encoding, values, "
                    "nulls and rows (v2), sizes, CRC");

  app.footer(
      "Exit codes: 0 success, 1 other failure, 2 usage error, 3 not found, "
      "4 commit conflict, 5 corrupt input.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here too, with code 0; every other parse error is a
    // usage error (exit code 2), whatever CLI11's own numbering.
    const int rc = app.exit(e);
    return rc == 0 ? quire::cli::kExitOk : quire::cli::kExitUsage;
  }
  if (demo->parsed()) return quire::cli::RunDemo(rows);
  if (cat->parsed()) return quire::cli::RunCat(cat_options);
  if (inspect->parsed()) return quire::cli::RunInspect(inspect_options);
  return 0;
}
