/// \file quire/cli/main.cc
/// \brief The `quire` command: entry point and subcommand dispatch.

#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "quire/cli/commands.h"

int main(int argc, char** argv) {
  // Named "quire" whatever argv[0] says, so that help reads the same from any path.
  CLI::App app{"quire: analytical tables as Parquet files on local disks and object stores",
               "quire"};
  app.set_version_flag("--version", std::string("quire ") + QUIRE_VERSION);
  app.require_subcommand(1);

  quire::cli::DemoOptions demo_options;
  auto* demo = app.add_subcommand(
      "demo",
      "The main job on generated data: app events ingested as a partitioned table, "
      "changed, time-travelled, queried with pruning reported, vacuumed");
  demo->footer(
      "Writes two days of app events as JSON Lines under DIR/raw, ingests the first as a "
      "table partitioned by date (DIR/events, or --at), appends the second, deletes bot "
      "traffic, shows the history, reads the first version, runs a filtered and projected "
      "query printing what it pruned at every level (partitions, files, row groups, pages) "
      "and its time, vacuums, and prints three commands to try next. Replaces DIR/raw and "
      "DIR/events on every run.");
  demo->add_option("--dir", demo_options.dir,
                   "Folder for the generated JSON Lines, and for the table unless --at "
                   "is given (default quire-demo)");
  demo->add_option("--at", demo_options.at,
                   "Put the table at this URL instead: s3://bucket/path, az://container/path, "
                   "memory://path, ... (credentials as for `quire fs`)");
  demo->add_option("--rows-per-day", demo_options.rows_per_day,
                   "Events generated for each day (default 300000)")
      ->check(CLI::Range(int64_t(1000), int64_t(100000000)));
  demo->add_flag("--replace", demo_options.replace,
                 "Delete a table found at --at before starting (without it, that is an "
                 "error)");

  quire::cli::CatOptions cat_options;
  auto* cat = app.add_subcommand(
      "cat", "Print the rows of a Parquet file, with a filter pushed down to row groups and "
             "pages");
  cat->add_option("FILE", cat_options.path, "Parquet file: a path or any store's URL")
      ->required();
  cat->add_option("--columns", cat_options.columns, "Top-level columns to print, in order")
      ->delimiter(',');
  cat->add_option("--where", cat_options.where,
                  "Print only the rows where the condition holds, e.g. "
                  "\"a > 10 and b in ('x','y') and c is not null\" (comparisons = != < <= > >=, "
                  "and, or, not, in (...), is [not] null; 'strings', numbers, true, false, "
                  "null; dates as 'YYYY-MM-DD')");
  cat->add_option("--limit", cat_options.limit, "Print at most this many rows");
  cat->add_option("--format", cat_options.format,
                  "jsonl (default): one canonical JSON array per row (the form of the conformance "
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
  inspect->add_option("FILE", inspect_options.path, "Parquet file: a path or any store's URL")
      ->required();
  inspect->add_option("--format", inspect_options.format,
                      "text (default) or json (one document, for programs)")
      ->check(CLI::IsMember({"text", "json"}));
  inspect->add_flag("--pages", inspect_options.pages,
                    "Also list every page of every column chunk: kind, encoding, values, "
                    "nulls and rows (v2), sizes, CRC");

  quire::cli::ConvertOptions convert_options;
  auto* convert = app.add_subcommand(
      "convert",
      "Convert between CSV, JSON Lines and Parquet: CSV or JSON Lines to Parquet (types "
      "inferred or from --schema), Parquet to CSV or JSON Lines, Parquet to Parquet "
      "(another codec, encodings, page version or row-group size; every value and type "
      "kept). Formats come from the file extensions (.csv, .tsv, .jsonl, .ndjson, .json, "
      ".parquet) or --from/--to. Streams with bounded memory; a progress bar on a "
      "terminal. The output appears whole when done, or not at all.");
  convert->add_option("IN", convert_options.input, "Input file, or - for stdin")->required();
  convert->add_option("OUT", convert_options.output, "Output file, or - for stdout")
      ->required();
  convert->add_option("--from", convert_options.from, "Input format")
      ->check(CLI::IsMember({"csv", "jsonl", "parquet"}));
  convert->add_option("--to", convert_options.to, "Output format")
      ->check(CLI::IsMember({"csv", "jsonl", "parquet"}));
  convert->add_option(
      "--schema", convert_options.schema,
      "Column types of CSV/JSON Lines input instead of inference: inline, as 'a int64, b "
      "string not null', or a file of 'name: type' lines (types as quire prints them or "
      "SQL names: int64, bigint, double, string, date, timestamp, decimal(15,2), "
      "list<int32>, ...; 'not null' at the end for required columns; # comments)");
  convert->add_option("--codec", convert_options.codec,
                      "Parquet compression: snappy (default), zstd, gzip, brotli, lz4, none");
  convert->add_option("--compression-level", convert_options.compression_level,
                      "Level of zstd (default 3), gzip (6) or brotli (8)");
  convert->add_option("--row-group-size", convert_options.row_group_rows,
                      "Rows per Parquet row group (default 1048576, or 128 MiB of data)")
      ->check(CLI::PositiveNumber);
  convert->add_option("--page-version", convert_options.page_version,
                      "Parquet data page version, 1 (default) or 2")
      ->check(CLI::IsMember({1, 2}));
  convert->add_flag("--no-dictionary", convert_options.no_dictionary,
                    "Do not dictionary-encode (by default columns are, where it pays)");
  convert->add_option("--encoding", convert_options.encodings,
                      "COLUMN=ENCODING for values not dictionary-encoded: plain, "
                      "delta_binary_packed, delta_length_byte_array, delta_byte_array, "
                      "byte_stream_split (repeatable)");
  convert->add_option("--bloom-filter", convert_options.bloom_filters,
                      "Write a bloom filter for COLUMN (repeatable)");
  convert->add_option("--delimiter", convert_options.delimiter,
                      "CSV field delimiter (default ',', '\\t' for tab; .tsv files use tab)");
  convert->add_flag("--no-header", convert_options.no_header,
                    "CSV input has no header row (columns are named f0, f1, ...)");
  convert->add_option(
      "--infer-rows", convert_options.infer_rows,
      "Rows sampled to infer types (default 16384). Each column gets the narrowest type "
      "that holds every sampled value: bool, int64, float64, date (YYYY-MM-DD), timestamp "
      "(with a Z or +HH:MM offset: in UTC), else string; int64 widens to float64 and date "
      "to timestamp, any other mix gives string, an all-null column is string. Later "
      "values that do not fit are malformed rows.");
  convert->add_option("--rejects", convert_options.rejects,
                      "Write malformed rows (ragged, bad quoting, values that do not fit the "
                      "column type) to this file, each after a '# FILE:LINE: reason' line, "
                      "and go on; without it the first one stops the conversion with an "
                      "error naming the line and column");
  convert->add_option("--threads", convert_options.threads,
                      "Threads for parsing and encoding (default: one per core)");
  convert->add_option("--progress", convert_options.progress,
                      "auto (on a terminal), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  bool no_overwrite = false;
  convert->add_flag("--no-overwrite", no_overwrite, "Fail if OUT exists when the conversion ends");
  convert->add_flag("-q,--quiet", convert_options.quiet, "Do not print the summary line");

  quire::cli::FsOptions fs_options;
  auto* fs = app.add_subcommand(
      "fs",
      "Work with files in any store: local paths, file://, memory://, s3://bucket/key and "
      "az://container/path (S3 settings from AWS_* variables and ~/.aws profiles, or "
      "?endpoint=...&region=... in the URL; Azure from AZURE_STORAGE_* variables). "
      "Sources may be glob patterns (*, ?, [...] within a path component, ** across "
      "them); quote them so that the shell leaves them alone.");
  fs->require_subcommand(1);
  fs->add_flag("--stats", fs_options.stats,
               "Print each store's requests (by kind), bytes moved and retries to stderr");
  struct FsCommand {
    const char* name;
    const char* help;
    const char* paths_help;
  };
  const FsCommand fs_commands[] = {
      {"ls", "List files and folders (a folder's children; everything below with -R)",
       "URLs to list"},
      {"du", "Show the bytes below each child of a folder and in all (-s: only in all)",
       "URLs to measure"},
      {"stat", "Describe files and folders: type, size, modification time, ETag", "URLs"},
      {"cat", "Write files' bytes to stdout", "URLs of files"},
      {"cp", "Copy files and (with -R) folders, between any stores, in parallel, with a "
             "progress bar; server-side within one bucket. SRC... DST: DST is a folder when "
             "it exists as one, ends in '/', or several sources are given",
       "SRC... DST"},
      {"mv", "Move files and (with -R) folders: a rename on one local disk; within a store "
             "a copy then a delete (not atomic); across stores a copy then a delete",
       "SRC... DST"},
      {"rm", "Delete files (batched), and with -R folders and everything below", "URLs"},
      {"mkdir", "Make folders and their parents (on object stores folders need no making: "
                "this does nothing there)",
       "URLs"},
  };
  std::vector<CLI::App*> fs_subcommands;
  for (const auto& c : fs_commands) {
    auto* sub = fs->add_subcommand(c.name, c.help);
    sub->set_help_flag("--help", "Print this help message and exit");
    sub->add_option("PATHS", fs_options.paths, c.paths_help)->required();
    sub->add_flag("--stats", fs_options.stats,
                  "Print each store's requests (by kind), bytes moved and retries to stderr");
    const std::string_view name = c.name;
    if (name == "ls") {
      sub->add_flag("-l,--long", fs_options.long_format, "Show size and modification time");
    }
    if (name == "ls" || name == "cp" || name == "mv" || name == "rm") {
      sub->add_flag("-R,-r,--recursive", fs_options.recursive,
                    name == "ls" ? "List every file below, at any depth"
                                 : "Include folders and everything below them");
    }
    if (name == "ls" || name == "du") {
      sub->add_flag("-h,--human-readable", fs_options.human, "Sizes as 1.5K, 20.0M, 3.1G");
    }
    if (name == "du") sub->add_flag("-s,--summarize", fs_options.summarize, "Only the total");
    if (name == "rm") sub->add_flag("-f,--force", fs_options.force, "A missing path is no error");
    if (name == "cp" || name == "mv") {
      sub->add_option("-j,--parallel", fs_options.parallel, "Files in flight (default 8)")
          ->check(CLI::Range(1, 256));
      sub->add_option("--progress", fs_options.progress, "auto (on a terminal), always, never")
          ->check(CLI::IsMember({"auto", "always", "never"}));
    }
    fs_subcommands.push_back(sub);
  }

  quire::cli::TableOptions table_options;
  auto* table = app.add_subcommand(
      "table",
      "Delta Lake tables in any store (local paths, file://, memory://, s3://, az://): "
      "create, append, overwrite, delete, update, scan with time travel, files, info, history, "
      "checkpoint, convert, vacuum, optimize");
  table->require_subcommand(1);
  const std::string where_help =
      "a condition as in `quire cat --where`, e.g. \"a > 10 and b in ('x','y')\"";
  std::vector<CLI::App*> table_subcommands;
  auto table_command = [&](const char* name, const char* help) {
    auto* sub = table->add_subcommand(name, help);
    sub->add_option("URL", table_options.url, "The table's root folder")->required();
    table_subcommands.push_back(sub);
    return sub;
  };
  auto add_time_travel = [&](CLI::App* sub, bool as_of) {
    sub->add_option("--version", table_options.version, "Read this version")
        ->check(CLI::NonNegativeNumber);
    if (as_of) {
      sub->add_option("--as-of", table_options.as_of,
                      "Read the version current at this time: ms since the epoch, "
                      "YYYY-MM-DD or an ISO-8601 timestamp (UTC unless a zone is given)");
    }
  };
  auto add_create_options = [&](CLI::App* sub, bool when_created) {
    sub->add_option("--partition-by", table_options.partition_by,
                    when_created
                        ? "Partition columns, used if the write creates the table"
                        : "Partition columns")
        ->delimiter(',');
    sub->add_option(
        "--property", table_options.properties,
        "Table property KEY=VALUE (repeatable), e.g. delta.checkpointInterval=10");
  };
  {
    auto* sub = table_command("create", "Create an empty table (version 0)");
    sub->add_option("--schema", table_options.schema,
                    "Columns inline, as 'a int64, b string not null, c decimal(10,2)', or "
                    "a file of them (as `quire convert --schema` takes them)");
    sub->add_option("--like", table_options.like,
                    "Take the columns from a Parquet, CSV or JSON Lines file");
    add_create_options(sub, false);
  }
  for (const char* name : {"append", "overwrite"}) {
    const bool overwrite = std::string_view(name) == "overwrite";
    auto* sub = table_command(
        name, overwrite
                  ? "Replace the table's rows (or those matching --where) with the rows "
                    "of the files, in one commit; creates the table when absent"
                  : "Add the rows of Parquet, CSV or JSON Lines files in one commit; "
                    "creates the table when absent");
    sub->add_option("FILES", table_options.files, "Parquet, CSV or JSON Lines files")
        ->required();
    if (overwrite) {
      sub->add_option(
          "--where", table_options.where,
          "Replace only the rows matching this condition on partition columns "
          "(replaceWhere); " +
              where_help);
    }
    add_create_options(sub, true);
    sub->add_flag("--schema-evolution", table_options.schema_evolution,
                  "Add new columns and widen types instead of failing");
    sub->add_option(
        "--app-id", table_options.app_id,
        "Idempotent write: skipped when the table holds --app-version of this "
        "application id (or later)");
    sub->add_option("--app-version", table_options.app_version,
                    "Version of the --app-id transaction");
    sub->add_option("--progress", table_options.progress,
                    "auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
  }
  {
    auto* sub = table_command(
        "delete", "Delete the rows matching --where (files rewritten without them)");
    sub->add_option("--where", table_options.where, "Rows to delete: " + where_help)
        ->required();
  }
  {
    auto* sub = table_command(
        "update", "Set columns of the rows matching --where (files rewritten)");
    sub->add_option("--where", table_options.where, "Rows to update: " + where_help)
        ->required();
    sub->add_option("--set", table_options.set,
                    "COLUMN=VALUE (repeatable); VALUE is a literal: 3, 2.5, 'text', "
                    "true, null")
        ->required();
  }
  {
    auto* sub = table_command("scan", "Print the rows of a table version");
    add_time_travel(sub, true);
    sub->add_option("--columns", table_options.columns, "Columns to print, in order")
        ->delimiter(',');
    sub->add_option("--where", table_options.where,
                    "Print only matching rows: " + where_help);
    sub->add_option(
           "--format", table_options.format,
           "jsonl (default): one canonical JSON array per row; table: an aligned "
           "text table; csv: RFC 4180 with a header row; count: decode the rows and print "
           "only how many there are; parquet (with --output only)")
        ->check(CLI::IsMember({"jsonl", "table", "csv", "count", "parquet"}));
    sub->add_option("-o,--output", table_options.output,
                    "Write the rows to this file (any store's URL) instead of printing them: "
                    "Parquet, CSV or JSON Lines by --format or the name (.parquet, .csv, "
                    ".jsonl); whole or not at all, with a progress bar on a terminal");
    sub->add_option("--progress", table_options.progress,
                    "With --output: auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    sub->add_flag("--stats", table_options.stats,
                  "Print to stderr what the scan pruned: files by partition values and "
                  "statistics, row groups, pages, rows");
    sub->add_option("--limit", table_options.limit, "Print at most this many rows")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--threads", table_options.threads,
                    "Files decoded at once (default: one per core)");
  }
  {
    auto* sub = table_command(
        "files", "List the active data files, relative to the table root, sorted");
    add_time_travel(sub, true);
  }
  {
    auto* sub = table_command(
        "info",
        "Describe a table version: protocol, schema, partitioning, properties, files");
    add_time_travel(sub, true);
    sub->add_option("--format", table_options.format, "text (default) or json")
        ->check(CLI::IsMember({"text", "json"}));
  }
  {
    auto* sub = table_command(
        "history",
        "List the commits, newest first: version, time, operation, parameters "
        "and metrics");
    sub->add_option("--limit", table_options.limit, "At most this many commits")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("--format", table_options.format,
                    "text (default) or json (one object a line)")
        ->check(CLI::IsMember({"text", "json"}));
  }
  table_command("checkpoint", "Write a checkpoint of the latest version");
  {
    auto* sub = table_command(
        "convert",
        "Make a table of the Parquet files under URL (Hive folders name=value give the "
        "partition columns) without rewriting them");
    sub->add_option("--partition-by", table_options.partition_by,
                    "NAME:TYPE of each partition folder level, in order; inferred when "
                    "left out (date, int64, else string)")
        ->delimiter(',');
    sub->add_option("--property", table_options.properties,
                    "Table property KEY=VALUE (repeatable)");
  }
  {
    auto* sub = table_command(
        "vacuum",
        "Delete data files the table no longer uses, once older than the retention "
        "(delta.deletedFileRetentionDuration, default 7 days)");
    sub->add_option("--retention-hours", table_options.retention_hours,
                    "Retention in hours instead of the table's")
        ->check(CLI::NonNegativeNumber);
    sub->add_flag("--dry-run", table_options.dry_run, "List the files, delete nothing");
    sub->add_flag("--force", table_options.force,
                  "Allow a retention under 7 days (readers of old versions and writers "
                  "still committing may lose files)");
    sub->add_option("--progress", table_options.progress, "auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
  }
  {
    auto* sub = table_command(
        "optimize",
        "Pack each partition's small files into files of --target-size-mb, in one "
        "commit that changes no data");
    sub->add_option("--target-size-mb", table_options.target_size_mb,
                    "Size of the packed files (default 128)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--where", table_options.where,
                    "Only partitions matching this condition on partition columns");
    sub->add_option("--progress", table_options.progress, "auto (on a terminal), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
  }

  // Every command's help ends with the exit codes (docs/cli.md has the table).
  const std::string exit_codes =
      "Exit codes: 0 success, 1 other failure, 2 usage error, 3 not found, "
      "4 commit conflict, 5 corrupt input.";
  std::function<void(CLI::App*)> add_footer = [&](CLI::App* a) {
    const std::string own = a->get_footer();
    a->footer(own.empty() ? exit_codes : own + "\n\n" + exit_codes);
    for (CLI::App* sub : a->get_subcommands([](CLI::App*) { return true; })) add_footer(sub);
  };
  add_footer(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here too, with code 0; every other parse error is a
    // usage error (exit code 2), whatever CLI11's own numbering.
    const int rc = app.exit(e);
    return rc == 0 ? quire::cli::kExitOk : quire::cli::kExitUsage;
  }
  if (demo->parsed()) {
    // The suggested commands call quire as this run was called, unless through PATH.
    if (std::string_view(argv[0]).find('/') != std::string_view::npos) demo_options.program = argv[0];
    return quire::cli::RunDemo(demo_options);
  }
  if (cat->parsed()) return quire::cli::RunCat(cat_options);
  if (inspect->parsed()) return quire::cli::RunInspect(inspect_options);
  if (convert->parsed()) {
    convert_options.overwrite = !no_overwrite;
    return quire::cli::RunConvert(convert_options);
  }
  for (auto* sub : fs_subcommands) {
    if (!sub->parsed()) continue;
    fs_options.command = sub->get_name();
    return quire::cli::RunFs(fs_options);
  }
  for (auto* sub : table_subcommands) {
    if (!sub->parsed()) continue;
    table_options.command = sub->get_name();
    return quire::cli::RunTable(table_options);
  }
  return 0;
}
