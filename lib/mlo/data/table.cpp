#include "mlo/data/table.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "mlo/core/text.hpp"
#include "mlo/data/chunker.hpp"
#include "mlo/data/csv.hpp"
#include "mlo/data/encoder.hpp"
#include "mlo/data/input.hpp"
#include "mlo/data/jsonl.hpp"

namespace mlo {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// The columns of one chunk, in the table's column order.
struct Partial {
  std::vector<std::vector<float>> numbers;
  std::vector<std::vector<std::string>> strings;
  BadRows bad;
  uint64_t rows = 0;
  Status status;
};

struct Plan {
  DataFormat format = DataFormat::kCsv;
  std::vector<std::string> header;
  std::vector<size_t> source;  // header index of each table column
  std::vector<TableColumn::Type> types;
  std::vector<bool> forced_numeric;
  std::string what;
};

Status parse_rows(const Plan& plan, const Chunk& chunk, OnBadRow mode, RowBlock& block) {
  Status st = plan.format == DataFormat::kCsv
                  ? parse_csv_chunk(chunk, plan.header.size(), mode, block)
                  : parse_jsonl_chunk(chunk, plan.header, mode, block);
  if (!st.ok()) return make_error(st.error().code, plan.what + ": " + st.error().message);
  return {};
}

void convert_chunk(const Plan& plan, const Chunk& chunk, OnBadRow mode, Partial& out) {
  RowBlock block;
  out.status = parse_rows(plan, chunk, mode, block);
  if (!out.status.ok()) return;
  out.bad = block.bad;
  const size_t n = plan.source.size();
  out.numbers.assign(n, {});
  out.strings.assign(n, {});
  std::vector<float> row(n);
  for (size_t r = 0; r < block.rows(); ++r) {
    bool ok = true;
    for (size_t c = 0; c < n && ok; ++c) {
      if (plan.types[c] != TableColumn::Type::kNumeric) continue;
      std::string_view field = block.at(r, plan.source[c]);
      if (parse_float_field(field, row[c])) continue;
      std::string why = "line " + std::to_string(block.lines[r]) + ": column " +
                        quote_value(plan.header[plan.source[c]]) + ": " + quote_value(field) +
                        " is not a number";
      if (!plan.forced_numeric[c])
        why += " (column inferred numeric from the first rows; declare it categorical)";
      if (mode == OnBadRow::kFail) {
        out.status = make_error(ErrorCode::kInvalidInput, plan.what + ": " + why);
        return;
      }
      out.bad.add(std::move(why));
      ok = false;
    }
    if (!ok) continue;
    for (size_t c = 0; c < n; ++c) {
      if (plan.types[c] == TableColumn::Type::kNumeric) {
        out.numbers[c].push_back(row[c]);
      } else {
        std::string_view field = block.at(r, plan.source[c]);
        out.strings[c].emplace_back(is_missing_token(field) ? std::string_view{} : field);
      }
    }
    ++out.rows;
  }
}

// Unforced columns are numeric when every non-missing value of the first chunk is a number.
Status infer_types(Plan& plan, const Chunk& chunk) {
  RowBlock block;
  MLO_TRY(parse_rows(plan, chunk, OnBadRow::kSkip, block));
  for (size_t c = 0; c < plan.source.size(); ++c) {
    if (plan.types[c] == TableColumn::Type::kString || plan.forced_numeric[c]) continue;
    float v;
    for (size_t r = 0; r < block.rows(); ++r) {
      if (!parse_float_field(block.at(r, plan.source[c]), v)) {
        plan.types[c] = TableColumn::Type::kString;
        break;
      }
    }
  }
  return {};
}

void append(Table& table, Partial& part) {
  for (size_t c = 0; c < table.columns.size(); ++c) {
    auto& col = table.columns[c];
    if (col.type == TableColumn::Type::kNumeric) {
      col.numbers.insert(col.numbers.end(), part.numbers[c].begin(), part.numbers[c].end());
    } else {
      std::move(part.strings[c].begin(), part.strings[c].end(), std::back_inserter(col.strings));
    }
  }
  table.rows += part.rows;
  table.skipped.merge(part.bad);
}

Result<Plan> make_plan(const std::string& what, DataFormat format, const std::string& first,
                       const ReadOptions& options) {
  Plan plan;
  plan.what = what;
  plan.format = format;
  auto header = format == DataFormat::kCsv ? parse_csv_header(first) : parse_jsonl_header(first);
  if (!header.ok()) return make_error(header.error().code, what + ": " + header.error().message);
  plan.header = std::move(*header);
  std::vector<std::string> names = options.columns.empty() ? plan.header : options.columns;
  for (const auto& name : names) {
    auto it = std::find(plan.header.begin(), plan.header.end(), name);
    if (it == plan.header.end())
      return make_error(ErrorCode::kInvalidInput, what + ": missing column " + quote_value(name));
    plan.source.push_back(static_cast<size_t>(it - plan.header.begin()));
    bool categorical = contains(options.categorical, name);
    plan.types.push_back(categorical ? TableColumn::Type::kString : TableColumn::Type::kNumeric);
    plan.forced_numeric.push_back(!categorical && contains(options.numeric, name));
  }
  return plan;
}

}  // namespace

const TableColumn* Table::column(const std::string& name) const {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

Result<Table> read_table(const std::string& path, const ReadOptions& options) {
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(path));
  const DataFormat format = format_from_path(path);
  ChunkReader reader(in, format, 4u << 20);
  MLO_ASSIGN_OR_RETURN(std::optional<std::string> first, reader.first_row());
  if (!first) return make_error(ErrorCode::kInvalidInput, in.name() + ": empty input (no header)");
  MLO_ASSIGN_OR_RETURN(Plan plan, make_plan(in.name(), format, *first, options));

  size_t threads = options.threads > 0 ? static_cast<size_t>(options.threads)
                                       : std::max(1u, std::thread::hardware_concurrency());
  Table table;
  bool inferred = false;
  uint64_t bytes = first->size();
  for (;;) {
    std::vector<Chunk> batch(threads);
    size_t n = 0;
    while (n < threads) {
      MLO_ASSIGN_OR_RETURN(bool more, reader.next(batch[n]));
      if (!more) break;
      ++n;
    }
    if (n == 0) break;
    if (!inferred) {
      MLO_TRY(infer_types(plan, batch[0]));
      for (size_t c = 0; c < plan.source.size(); ++c)
        table.columns.push_back(TableColumn{plan.header[plan.source[c]], plan.types[c], {}, {}});
      inferred = true;
    }
    std::vector<Partial> parts(n);
    std::vector<std::thread> workers;
    for (size_t i = 1; i < n; ++i)
      workers.emplace_back([&, i] { convert_chunk(plan, batch[i], options.on_bad_row, parts[i]); });
    convert_chunk(plan, batch[0], options.on_bad_row, parts[0]);
    for (auto& w : workers) w.join();
    for (auto& part : parts) {
      MLO_TRY(part.status);
      append(table, part);
    }
    for (size_t i = 0; i < n; ++i) bytes += batch[i].bytes.size();
    if (options.on_progress) options.on_progress(bytes, table.rows);
  }
  if (!inferred)  // header only: every column is empty; unforced ones default to numeric
    for (size_t c = 0; c < plan.source.size(); ++c)
      table.columns.push_back(TableColumn{plan.header[plan.source[c]], plan.types[c], {}, {}});
  table.input_digest = in.raw_digest();
  table.input_bytes = in.raw_bytes();
  return table;
}

Result<std::vector<float>> encode_table(const PreprocessSpec& spec, const Table& table) {
  std::vector<std::string> header;
  for (const auto& c : table.columns) header.push_back(c.name);
  MLO_ASSIGN_OR_RETURN(Encoder encoder, Encoder::create(spec, header, "table"));
  const size_t nf = encoder.num_features();
  std::vector<float> x(table.rows * nf);
  for (size_t i = 0; i < nf; ++i) {
    const TableColumn& col = table.columns[encoder.source_column(i)];
    const bool categorical = spec.features[i].type == FeatureEncoding::Type::kCategorical;
    for (size_t r = 0; r < table.rows; ++r) {
      float& dst = x[r * nf + i];
      if (col.type == TableColumn::Type::kString) {
        if (!encoder.encode_field(i, col.strings[r], dst))
          return make_error(ErrorCode::kInvalidInput,
                            "column " + quote_value(col.name) + ": " + quote_value(col.strings[r]) +
                                " is not a number (row " + std::to_string(r + 1) + ")");
      } else if (categorical) {
        // A numeric-looking categorical column: match its values' shortest text against the
        // categories.
        float v = col.numbers[r];
        if (std::isnan(v)) {
          dst = NAN;
        } else {
          encoder.encode_field(i, fmt::format("{}", v), dst);
        }
      } else {
        dst = std::isnan(col.numbers[r]) && !std::isnan(spec.features[i].impute)
                  ? static_cast<float>(spec.features[i].impute)
                  : col.numbers[r];
      }
    }
  }
  return x;
}

}  // namespace mlo
