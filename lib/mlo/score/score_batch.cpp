#include "mlo/score/score_batch.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "mlo/data/chunk_pipeline.hpp"
#include "mlo/data/chunker.hpp"
#include "mlo/data/csv.hpp"
#include "mlo/data/encoder.hpp"
#include "mlo/data/jsonl.hpp"
#include "mlo/data/output.hpp"

namespace mlo {

namespace {

// Everything fixed before the first chunk is read.
struct Plan {
  DataFormat format = DataFormat::kCsv;
  std::string input_name;
  std::vector<std::string> header;
  const Predictor* predictor = nullptr;
  const Encoder* encoder = nullptr;
  const RowFormatter* formatter = nullptr;
  OnBadRow on_bad_row = OnBadRow::kFail;
  uint64_t shard_index = 0;
  uint64_t shard_count = 1;
  const ChallengerOptions* challenger = nullptr;
  const Encoder* challenger_encoder = nullptr;
  const ExplainFormatter* explainer = nullptr;
  size_t id_col = 0;  // canary routing column
  float threshold = 0.5f;
  bool jsonl_output = false;
};

// A processed chunk, waiting for the writer.
struct Done {
  std::string text;
  uint64_t text_bytes = 0;  // input bytes of the chunk
  uint64_t rows_in = 0;
  uint64_t rows_out = 0;
  uint64_t other_shards = 0;
  BadRows bad;
  uint64_t unseen = 0;
  ChallengerStats challenger;
};

struct WorkerState {
  RowBlock block;
  EncodedBlock encoded;
  std::vector<float> scores;
  EncodedBlock challenger_encoded;
  std::vector<float> challenger_scores;
  std::vector<float> contributions;  // explain: kExplainRows x (features + 1) at most
  std::vector<uint32_t> order;
  std::string explain, bias;
};

Error with_input(const Plan& plan, const Error& e) {
  return make_error(e.code, plan.input_name + ": " + e.message);
}

// Drops the rows of other shards, keeping order.
uint64_t keep_shard(RowBlock& block, uint64_t k, uint64_t n) {
  const size_t rows = block.rows(), cols = block.cols;
  size_t w = 0;
  for (size_t r = 0; r < rows; ++r) {
    if (block.row_ids[r] % n != k) continue;
    if (w != r) {
      std::copy_n(block.fields.begin() + static_cast<ptrdiff_t>(r * cols), cols,
                  block.fields.begin() + static_cast<ptrdiff_t>(w * cols));
      block.lines[w] = block.lines[r];
      block.row_ids[w] = block.row_ids[r];
    }
    ++w;
  }
  block.fields.resize(w * cols);
  block.lines.resize(w);
  block.row_ids.resize(w);
  return rows - w;
}

// Adds one column to the row the formatter just appended (CSV: before '\n'; JSON Lines: before
// "}\n"). Values are numbers or "name:N" labels, which need no CSV quoting.
void append_column(const Plan& plan, std::string_view key, std::string_view value, bool is_number,
                   std::string& text) {
  if (plan.jsonl_output) {
    text.resize(text.size() - 2);
    text.append(",\"").append(key).append("\":");
    if (!is_number) text += '"';
    text.append(value);
    if (!is_number) text += '"';
    text.append("}\n");
  } else {
    text.back() = ',';
    text.append(value).append("\n");
  }
}

// The challenger scores the same parsed rows with its own encoder; rows it rejects that the
// champion kept (a different preprocess spec) make the pair unscoreable.
Status score_challenger(const Plan& plan, WorkerState& st, Done& d) {
  const ChallengerOptions& c = *plan.challenger;
  MLO_TRY(plan.challenger_encoder->encode(st.block, plan.on_bad_row, st.challenger_encoded));
  const std::vector<uint32_t>& rows = st.encoded.rows;
  const std::vector<uint32_t>& theirs = st.challenger_encoded.rows;
  std::vector<float>& second = st.challenger_scores;
  // Both encoded row lists are ascending block rows; pair the champion's with the challenger's.
  const size_t n = rows.size(), width = plan.challenger_encoder->num_features();
  std::vector<float> x(n * width);
  size_t j = 0;
  for (size_t i = 0; i < n; ++i) {
    while (j < theirs.size() && theirs[j] < rows[i]) ++j;
    if (j == theirs.size() || theirs[j] != rows[i])
      return make_error(ErrorCode::kInvalidInput,
                        plan.input_name + ": line " + std::to_string(st.block.lines[rows[i]]) +
                            ": the challenger " + c.label + " cannot encode this row");
    std::copy_n(st.challenger_encoded.x.begin() + static_cast<ptrdiff_t>(j * width), width,
                x.begin() + static_cast<ptrdiff_t>(i * width));
  }
  MLO_TRY(c.predictor->predict(x.data(), n, second));
  const bool shadow = c.mode == ChallengerMode::kShadow;
  const bool binary = plan.predictor->task() == "binary";
  for (size_t i = 0; i < n; ++i) {
    const float main = st.scores[i], other = second[i];
    if (shadow) {
      plan.formatter->append(st.block, rows[i], &main, d.text);
      append_column(plan, "shadow_score", fmt::format("{}", other), true, d.text);
      ++d.challenger.rows;
      d.challenger.sum_abs_delta += std::abs(static_cast<double>(main) - other);
      if (binary && (main >= plan.threshold) == (other >= plan.threshold))
        ++d.challenger.label_agree;
    } else {
      const bool routed = canary_routed(st.block.at(rows[i], plan.id_col), c.percent);
      plan.formatter->append(st.block, rows[i], routed ? &other : &main, d.text);
      append_column(plan, "scored_by", routed ? c.label : c.primary_label, false, d.text);
      d.challenger.canary_rows += routed;
    }
  }
  d.rows_out = n;
  return {};
}

// Formats the rows with their explanations, computing contributions kExplainRows at a time.
Status append_explained(const Plan& plan, WorkerState& st, Done& d) {
  const size_t n = st.encoded.rows.size(), k = static_cast<size_t>(plan.predictor->num_outputs());
  const size_t width = plan.predictor->spec().features.size();
  for (size_t begin = 0; begin < n; begin += kExplainRows) {
    const size_t m = std::min(kExplainRows, n - begin);
    MLO_TRY(
        plan.predictor->contributions(st.encoded.x.data() + begin * width, m, st.contributions));
    for (size_t i = begin; i < begin + m; ++i) {
      plan.formatter->append(st.block, st.encoded.rows[i], st.scores.data() + i * k, d.text);
      plan.explainer->format(st.contributions.data() + (i - begin) * (width + 1), st.order,
                             st.explain, st.bias);
      append_column(plan, "explain", st.explain, true, d.text);
      if (plan.explainer->bias()) append_column(plan, "explain_bias", st.bias, true, d.text);
    }
  }
  d.rows_out = n;
  return {};
}

// Parses, encodes, scores and formats one chunk into `d` (reused: its text keeps its capacity).
Status process(const Plan& plan, const Chunk& chunk, WorkerState& st, Done& d) {
  std::string text = std::move(d.text);
  text.clear();
  d = Done{};
  d.text = std::move(text);
  d.text_bytes = chunk.bytes.size();
  Status parsed = plan.format == DataFormat::kCsv
                      ? parse_csv_chunk(chunk, plan.header.size(), plan.on_bad_row, st.block)
                      : parse_jsonl_chunk(chunk, plan.header, plan.on_bad_row, st.block);
  if (!parsed.ok()) return with_input(plan, parsed.error());
  d.bad = st.block.bad;
  d.rows_in = st.block.rows() + st.block.bad.count;
  if (plan.shard_count > 1)
    d.other_shards = keep_shard(st.block, plan.shard_index, plan.shard_count);
  Status encoded = plan.encoder->encode(st.block, plan.on_bad_row, st.encoded);
  if (!encoded.ok()) return with_input(plan, encoded.error());
  d.bad.merge(st.encoded.bad);
  d.unseen = st.encoded.unseen;
  const size_t n = st.encoded.rows.size();
  MLO_TRY(plan.predictor->predict(st.encoded.x.data(), n, st.scores));
  const size_t k = static_cast<size_t>(plan.predictor->num_outputs());
  d.text.reserve(n * (16 + 12 * k) + chunk.bytes.size() / 4);
  if (plan.challenger) return score_challenger(plan, st, d);
  if (plan.explainer) return append_explained(plan, st, d);
  for (size_t i = 0; i < n; ++i)
    plan.formatter->append(st.block, st.encoded.rows[i], st.scores.data() + i * k, d.text);
  d.rows_out = n;
  return {};
}

// Writes a processed chunk and adds its counts to the summary (in chunk order).
Status write_done(const Plan& plan, const Done& d, OutputStream& out, ScoreSummary& sum) {
  MLO_TRY(out.write(d.text));
  sum.rows_in += d.rows_in;
  sum.rows_out += d.rows_out;
  sum.rows_other_shards += d.other_shards;
  sum.unseen_categories += d.unseen;
  sum.challenger.merge(d.challenger);
  sum.input_text_bytes += d.text_bytes;
  if (d.bad.count && sum.rows_skipped == 0)
    sum.first_skip_reason = plan.input_name + ": " + d.bad.first;
  sum.rows_skipped += d.bad.count;
  return {};
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Result<std::vector<size_t>> passthrough_sources(const std::vector<std::string>& names,
                                                const std::vector<std::string>& header,
                                                const std::string& what) {
  std::vector<size_t> src;
  for (const auto& name : names) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end())
      return make_error(ErrorCode::kInvalidInput,
                        what + ": missing passthrough column '" + name + "'");
    src.push_back(static_cast<size_t>(it - header.begin()));
  }
  return src;
}

}  // namespace

Result<ScoreSummary> score_batch(const Predictor& predictor, const ScoreOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.shard_count == 0 || options.shard_index >= options.shard_count)
    return make_error(ErrorCode::kUsage, fmt::format("--shard {}/{}: expected k/N with 0 <= k < N",
                                                     options.shard_index, options.shard_count));
  MLO_ASSIGN_OR_RETURN(InputStream in, InputStream::open(options.input));
  Plan plan;
  plan.format = options.input_format.value_or(format_from_path(options.input));
  plan.input_name = in.name();
  plan.predictor = &predictor;
  plan.on_bad_row = options.on_bad_row;
  plan.shard_index = options.shard_index;
  plan.shard_count = options.shard_count;
  ChunkReader reader(in, plan.format, options.chunk_bytes);
  MLO_ASSIGN_OR_RETURN(std::optional<std::string> first, reader.first_row());
  if (!first) return make_error(ErrorCode::kInvalidInput, in.name() + ": empty input (no header)");
  auto header =
      plan.format == DataFormat::kCsv ? parse_csv_header(*first) : parse_jsonl_header(*first);
  if (!header.ok()) return with_input(plan, header.error());
  plan.header = std::move(*header);

  MLO_ASSIGN_OR_RETURN(Encoder encoder, Encoder::create(predictor.spec(), plan.header, in.name()));
  plan.encoder = &encoder;
  std::vector<std::string> passthrough = options.columns.value_or(options.default_columns);
  MLO_ASSIGN_OR_RETURN(std::vector<size_t> src,
                       passthrough_sources(passthrough, plan.header, in.name()));
  const std::string out_base = strip_compression_suffix(options.output);
  OutputFormat out_format = options.output_format.value_or(
      ends_with(out_base, ".jsonl") || ends_with(out_base, ".ndjson") ? OutputFormat::kJsonl
                                                                      : OutputFormat::kCsv);
  MLO_ASSIGN_OR_RETURN(RowFormatter formatter,
                       RowFormatter::create(out_format, passthrough, src, predictor.task(),
                                            predictor.num_outputs(), options.threshold));
  plan.formatter = &formatter;
  plan.jsonl_output = out_format == OutputFormat::kJsonl;
  std::string header_text = formatter.header();
  std::vector<std::string> columns = formatter.columns();
  // Adds an extra output column after the prediction (explain, shadow_score, scored_by).
  const auto add_column = [&](const std::string& column) -> Status {
    if (std::find(columns.begin(), columns.end(), column) != columns.end())
      return make_error(ErrorCode::kInvalidInput, in.name() + ": passthrough column '" + column +
                                                      "' collides with an output column");
    columns.push_back(column);
    if (!header_text.empty()) header_text.insert(header_text.size() - 1, "," + column);
    return {};
  };
  std::optional<ExplainFormatter> explainer;
  if (options.explain) {
    if (options.challenger)
      return make_error(ErrorCode::kUsage,
                        "explanations cannot be combined with a shadow or canary challenger");
    if (predictor.task() != "binary" && predictor.task() != "regression")
      return make_error(ErrorCode::kUsage,
                        "explanations are for binary and regression models; "
                        "this one is " +
                            predictor.task());
    std::vector<std::string> names;
    for (const auto& f : predictor.spec().features) names.push_back(f.name);
    MLO_ASSIGN_OR_RETURN(explainer,
                         ExplainFormatter::create(out_format, std::move(names), *options.explain));
    plan.explainer = &*explainer;
    for (const auto& column : explainer->columns()) MLO_TRY(add_column(column));
  }
  std::optional<Encoder> challenger_encoder;
  if (options.challenger) {
    const ChallengerOptions& c = *options.challenger;
    MLO_TRY(check_challenger(predictor, c));
    MLO_ASSIGN_OR_RETURN(challenger_encoder,
                         Encoder::create(c.predictor->spec(), plan.header, in.name()));
    plan.challenger = &c;
    plan.challenger_encoder = &*challenger_encoder;
    plan.threshold = static_cast<float>(options.threshold);
    if (c.mode == ChallengerMode::kCanary) {
      MLO_ASSIGN_OR_RETURN(std::vector<size_t> id,
                           passthrough_sources({c.id_column}, plan.header, in.name()));
      plan.id_col = id[0];
    }
    MLO_TRY(add_column(challenger_column(c.mode)));
  }

  MLO_ASSIGN_OR_RETURN(OutputStream out, OutputStream::open(options.output));
  MLO_TRY(out.write(header_text));
  ScoreSummary sum;
  sum.threads = options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto work = [&](const Chunk& chunk, WorkerState& state, Done& done) {
    return process(plan, chunk, state, done);
  };
  auto write = [&](const Chunk&, Done& done) -> Status {
    MLO_TRY(write_done(plan, done, out, sum));
    if (options.on_progress) options.on_progress(sum.input_text_bytes, sum.rows_out);
    return {};
  };
  MLO_TRY((for_each_chunk_ordered<Done, WorkerState>(reader, static_cast<size_t>(sum.threads), work,
                                                     write)));

  sum.input_name = in.name();
  sum.input_digest = in.raw_digest();
  sum.input_compression = in.compression();
  sum.input_bytes = in.raw_bytes();
  sum.input_format = plan.format == DataFormat::kCsv ? "csv" : "jsonl";
  sum.output_name = out.path();
  sum.output_compression = out.compression();
  sum.output_format = out_format == OutputFormat::kCsv ? "csv" : "jsonl";
  sum.output_bytes = out.bytes_written();
  sum.output_columns = columns;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.before_commit) MLO_TRY(options.before_commit(sum));
  MLO_TRY(out.commit());
  return sum;
}

}  // namespace mlo
