// mlo drift REF --current BATCH...: flags -> monitor::DriftOptions -> monitor::run_drift ->
// reports + run record (all or none) -> print. The verdict line comes first in every output;
// -q prints only the verdict and only on a finding, --summary prints only the verdict.
// Exit 0 no finding, 8 drift/data-quality/performance finding, 3 bad input.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>

#include "command.hpp"
#include "mlo/drift/report_parts.hpp"
#include "mlo/monitor/drift_run.hpp"
#include "notify_cli.hpp"
#include "output.hpp"
#include "progress.hpp"

namespace mlo::cli {

namespace {

struct DriftFlags {
  monitor::DriftOptions options;
  std::string engine = "auto";
  std::vector<std::string> reports;
  bool no_record = false;
  bool summary = false;
  uint64_t exact_max_mb = 512;
};

Result<Engine> engine_of(const std::string& name) {
  if (name == "auto") return Engine::kAuto;
  if (name == "native") return Engine::kNative;
  if (name == "xgboost") return Engine::kXgboost;
  return make_error(ErrorCode::kUsage, "drift: --engine must be auto, native or xgboost");
}

void print_text(const drift::DriftReport& r) {
  std::cout << r.verdict.headline << "\n\n";
  auto t = drift::report_parts::feature_table(r.drift);
  // The terminal keeps the columns that fit a screen: drop rows/std/median.
  std::vector<std::string> header;
  std::vector<size_t> keep;
  for (size_t i = 0; i < t.header.size(); ++i) {
    const std::string& h = t.header[i];
    if (h == "rows" || h == "std" || h == "median") continue;
    keep.push_back(i);
    header.push_back(h);
  }
  for (auto& h : header)
    for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : t.rows) {
    std::vector<std::string> out;
    for (size_t i : keep) out.push_back(row[i]);
    rows.push_back(std::move(out));
  }
  print_table(header, rows);
  if (r.concept_result) {
    std::cout << '\n';
    auto m = drift::report_parts::metric_table(r);
    print_table(m.header, m.rows);
    if (!r.concept_result->slice_by.empty()) {
      std::cout << '\n';
      auto s = drift::report_parts::slice_table(*r.concept_result);
      print_table(s.header, s.rows);
      if (r.concept_result->slices.size() > drift::kMaxSlicesShown)
        std::cout << "… and " << r.concept_result->slices.size() - drift::kMaxSlicesShown
                  << " more slices\n";
    }
  }
}

Result<int> run(const Context& ctx, DriftFlags& f) {
  MLO_ASSIGN_OR_RETURN(f.options.engine, engine_of(f.engine));
  f.options.exact_max_values = (f.exact_max_mb << 20) / sizeof(double);
  MLO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, ctx.open_store());
  std::optional<ProgressLine> progress;
  if (ctx.show_progress()) {
    uint64_t total = 0;
    for (const auto& path : f.options.current) {
      const uint64_t size = known_input_size(path);
      total = size == 0 || total == UINT64_MAX ? UINT64_MAX : total + size;
    }
    progress.emplace("drift", total == UINT64_MAX ? 0 : total);
    f.options.on_progress = [&progress](uint64_t bytes, uint64_t rows) {
      progress->update(bytes, rows);
    };
  }
  auto ran = monitor::run_drift(*store, f.options);
  progress.reset();
  if (!ran.ok()) return ran.error();
  monitor::DriftResult result = std::move(*ran);
  auto written = monitor::write_drift_outputs(*store, result, {f.reports, !f.no_record});
  if (!written.ok()) return written.error();
  const drift::DriftReport& r = result.report;
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream out(summary, std::ios::app);
    out << drift::report_markdown(r) << '\n';
  }
  if (ctx.global.json)
    print_json(drift::report_json(r));
  else if (ctx.global.quiet) {
    if (r.verdict.finding) std::cout << r.verdict.headline << '\n';
  } else if (f.summary) {
    std::cout << r.verdict.headline << '\n';
  } else {
    print_text(r);
  }
  if (r.verdict.finding) {
    const std::string& h = r.verdict.headline;
    const std::string what = h.rfind("FINDING: ", 0) == 0 ? h.substr(9) : h;
    notify_event(ctx, {notify::kDrift, r.meta.model.name, r.meta.model.version,
                       "mlo: drift " + r.meta.model.name + ":" +
                           std::to_string(r.meta.model.version) + ": finding (exit 8): " + what,
                       drift::report_json(r)["verdict"], /*store=*/{}});
  }
  return r.verdict.exit_code;
}

}  // namespace

void setup_drift(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<DriftFlags>();
  auto& o = f->options;
  app.add_option("ref", o.ref, "Model reference: name, name:N, name@alias or sha256:...")
      ->required();
  app.add_option("--current", o.current,
                 "Batch file (CSV/JSONL, any compression); repeat to merge batches")
      ->required();
  app.add_option("--reference", o.reference_file,
                 "Compare exactly with this reference data instead of the stored baseline");
  app.add_option("--policy", o.policy_file, "Drift policy YAML (default: built-in defaults)");
  app.add_flag("--labels", o.labels,
               "Also measure model quality on the batch's labels (concept drift)");
  app.add_option("--score-column", o.score_column,
                 "Use this column's scores instead of scoring in-process");
  app.add_option("--label-column", o.label_column,
                 "With --labels: label column (default: the version's target)");
  app.add_option("--slice-by", o.slice_by,
                 "With --labels: report metrics per value of this column (blank: \"(blank)\")");
  app.add_option("--engine", f->engine, "In-process scoring engine: auto, native or xgboost");
  app.add_option("--report", f->reports,
                 "Write a report: FILE.json, FILE.md or FILE.html, or s3://bucket/key.* "
                 "(repeatable; all or none)");
  app.add_option("--chunk-rows", o.chunk_rows, "Rows per streamed chunk (approximate)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 26));
  app.add_option("--exact-max-mb", f->exact_max_mb,
                 "With --reference: memory cap for the exact samples in MiB (default 512)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 20));
  add_threads_option(app, o.threads,
                     "Parse and profile on this many threads, 1..4 x cores (default: all "
                     "cores); the report is the same for any count");
  app.add_flag("--summary", f->summary, "Print only the verdict line");
  app.add_flag("--no-record", f->no_record, "Do not write a run record to the store");
  app.callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Result<int> {
      if (!f->options.slice_by.empty() && !f->options.labels)
        return make_error(ErrorCode::kUsage, "drift: --slice-by needs --labels");
      if (!f->options.label_column.empty() && !f->options.labels)
        return make_error(ErrorCode::kUsage, "drift: --label-column needs --labels");
      return run(ctx, *f);
    };
  });
}

}  // namespace mlo::cli
