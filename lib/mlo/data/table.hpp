// Whole-table reading for training sets that fit in memory: CSV or JSON Lines (format from
// the file name, compression from the content), parsed on several threads, returned as named
// columns. Numeric columns are floats with NaN for missing; string (categorical) columns are
// std::string with "" for missing. Missing tokens: empty, NA, NaN, null.
//
//   ReadOptions opt;
//   opt.columns = {"distance", "origin", "delayed"};   // empty = every column of the header
//   opt.categorical = {"origin"};                       // read as strings
//   MLO_ASSIGN_OR_RETURN(Table t, read_table("train.csv.gz", opt));
//   const std::vector<float>& y = t.column("delayed")->numbers;
//
// Types: a column in `categorical` is a string column; a column in `numeric` must parse as
// numbers (a bad value is kInvalidInput with its line number, or a skipped row with
// on_bad_row = kSkip); any other column is numeric if all its non-missing values parse as
// numbers, otherwise string. A requested column absent from the header is kInvalidInput
// naming it; an empty input is kInvalidInput; a header alone gives a table with zero rows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "mlo/core/result.hpp"
#include "mlo/data/preprocess.hpp"
#include "mlo/data/rows.hpp"

namespace mlo {

struct ReadOptions {
  std::vector<std::string> columns;      // which columns to keep, in this order; empty = all
  std::vector<std::string> categorical;  // forced string columns
  std::vector<std::string> numeric;      // forced numeric columns
  int threads = 0;                       // parser threads; 0 = all cores
  OnBadRow on_bad_row = OnBadRow::kFail;
  // Called after every batch of chunks: uncompressed bytes and rows read so far (progress).
  std::function<void(uint64_t bytes, uint64_t rows)> on_progress;
};

struct TableColumn {
  enum class Type { kNumeric, kString };
  std::string name;
  Type type = Type::kNumeric;
  std::vector<float> numbers;        // kNumeric, NaN = missing
  std::vector<std::string> strings;  // kString, "" = missing
};

struct Table {
  std::vector<TableColumn> columns;  // in ReadOptions::columns order (or header order)
  uint64_t rows = 0;
  BadRows skipped;           // rows dropped under kSkip
  std::string input_digest;  // sha256 of the raw input bytes
  uint64_t input_bytes = 0;  // raw (compressed) size

  const TableColumn* column(const std::string& name) const;  // nullptr if absent
};

Result<Table> read_table(const std::string& path, const ReadOptions& options = {});

// Encodes `table` with `spec` into a row-major rows x spec.features.size() float matrix
// (the same encoding score-batch applies). kInvalidInput naming a feature the table lacks.
Result<std::vector<float>> encode_table(const PreprocessSpec& spec, const Table& table);

}  // namespace mlo
