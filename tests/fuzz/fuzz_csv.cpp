// libFuzzer target: CSV through the whole reader stack (decoders, chunker, header, rows).
#include "fuzz_input.hpp"
#include "mlo/data/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlo::fuzz::read_all(
      data, size, mlo::DataFormat::kCsv,
      [](const std::string& line) { return mlo::parse_csv_header(line); },
      [](const mlo::Chunk& chunk, const std::vector<std::string>& header, mlo::OnBadRow mode,
         mlo::RowBlock& block) { return mlo::parse_csv_chunk(chunk, header.size(), mode, block); });
  return 0;
}
