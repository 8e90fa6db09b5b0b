// libFuzzer target: JSON Lines through the whole reader stack (decoders, chunker, strict parser).
#include "fuzz_input.hpp"
#include "mlo/data/jsonl.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  mlo::fuzz::read_all(
      data, size, mlo::DataFormat::kJsonl,
      [](const std::string& line) { return mlo::parse_jsonl_header(line); },
      [](const mlo::Chunk& chunk, const std::vector<std::string>& header, mlo::OnBadRow mode,
         mlo::RowBlock& block) { return mlo::parse_jsonl_chunk(chunk, header, mode, block); });
  return 0;
}
