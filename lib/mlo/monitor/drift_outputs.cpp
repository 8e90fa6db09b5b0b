// Committing a drift run's outputs all or none: report temps, then the run record, then the
// renames (see drift_run.hpp).
#include <cstring>

#include "mlo/core/output_file.hpp"
#include "mlo/core/time.hpp"
#include "mlo/data/remote_output.hpp"
#include "mlo/monitor/drift_run.hpp"
#include "mlo/registry/run_record.hpp"

namespace mlo::monitor {

using namespace mlo::drift;

namespace {

enum class Format { kJson, kMarkdown, kHtml };

Result<Format> format_of(const std::string& path) {
  auto ends = [&](const char* s) {
    const size_t n = std::strlen(s);
    return path.size() >= n && path.compare(path.size() - n, n, s) == 0;
  };
  if (ends(".json")) return Format::kJson;
  if (ends(".md")) return Format::kMarkdown;
  if (ends(".html") || ends(".htm")) return Format::kHtml;
  return make_error(ErrorCode::kUsage,
                    "report " + path + ": unknown format (use .json, .md or .html)");
}

std::string render(const DriftReport& r, Format f) {
  switch (f) {
    case Format::kJson:
      return report_json(r).dump(2) + "\n";
    case Format::kMarkdown:
      return report_markdown(r);
    case Format::kHtml:
      return report_html(r);
  }
  return {};
}

YAML::Node drift_body(const DriftResult& result) {
  const DriftReport& r = result.report;
  YAML::Node b;
  b["reference"] = r.meta.reference;
  b["mode"] = r.meta.mode;
  b["policy"] = r.meta.policy;
  b["rows"] = r.drift.current_rows;
  YAML::Node v;
  v["headline"] = r.verdict.headline;
  v["drift"] = r.verdict.drift;
  v["data_quality_failed"] = r.verdict.quality_failed;
  v["performance_degraded"] = r.verdict.performance_degraded;
  v["drifted_features"] = r.verdict.drifted_features;
  b["verdict"] = v;
  for (const auto& f : r.drift.features) {
    YAML::Node fn;
    fn["method"] = f.method;
    fn["value"] = f.value;
    fn["drifted"] = f.drifted;
    b["features"][f.name] = fn;
  }
  if (r.concept_result)
    for (const auto& [k, val] : r.concept_result->overall.metrics) b["metrics"][k] = val;
  return b;
}

RunHeader drift_header(const DriftResult& result, const std::vector<std::string>& reports) {
  const ModelInfo& m = result.report.meta.model;
  RunHeader h;
  h.kind = "drift";
  h.started = result.started;
  h.exit_code = result.exit_code();
  h.model = {result.ref, m.name, m.version, m.manifest_digest};
  if (result.reference)
    h.inputs.push_back({"reference", result.reference->absolute_path, result.reference->digest, 0});
  for (const auto& in : result.inputs)
    h.inputs.push_back({"current", in.absolute_path, in.digest, 0});
  for (const auto& p : reports) h.outputs.push_back({"report", absolute_path(p), "", 0});
  return h;
}

}  // namespace

Result<std::string> write_drift_outputs(Store& store, const DriftResult& result,
                                        const DriftOutputs& outputs) {
  std::vector<Format> formats;
  for (const auto& path : outputs.reports) {
    MLO_ASSIGN_OR_RETURN(Format f, format_of(path));
    formats.push_back(f);
  }
  // Reports go through OutputGroup: /dev/null, FIFOs, symlinks and s3:// objects are written the
  // way a user expects, and all reports are replaced or none (see output_file.hpp).
  OutputGroup group;
  for (size_t i = 0; i < outputs.reports.size(); ++i) {
    const std::string& path = outputs.reports[i];
    auto opened = open_output(path);
    if (!opened.ok())
      return make_error(opened.error().code, "report " + path + ": " + opened.error().message);
    OutputFile* file = group.add(std::move(*opened));
    if (Status st = file->write(render(result.report, formats[i])); !st.ok())
      return make_error(st.error().code, "report " + path + ": " + st.error().message);
  }
  std::string key;
  if (outputs.record) {
    auto written =
        write_run_record(store, drift_header(result, outputs.reports), drift_body(result));
    if (!written.ok())
      return make_error(written.error().code, "run record: " + written.error().message);
    key = *written;
  }
  if (Status st = group.commit_all(); !st.ok())
    return make_error(
        st.error().code,
        st.error().message + (key.empty() ? "" : "; run record " + key + " was written"));
  return key;
}

}  // namespace mlo::monitor
