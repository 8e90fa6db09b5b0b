#include "progress.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

namespace mlo::cli {

namespace {

std::string rate(double v) {
  if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.0f}k", v / 1e3);
  return fmt::format("{:.0f}", v);
}

}  // namespace

uint64_t known_input_size(const std::string& path) {
  struct stat st {};
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  // Compressed input: bytes count the uncompressed text, so the file size says nothing.
  unsigned char magic[4] = {0, 0, 0, 0};
  std::ifstream in(path, std::ios::binary);
  in.read(reinterpret_cast<char*>(magic), 4);
  const bool compressed = (magic[0] == 0x1f && magic[1] == 0x8b) ||                      // gzip
                          (magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f) ||  // zstd
                          (magic[0] == 0xfd && magic[1] == '7') ||                       // xz
                          (magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') ||     // bzip2
                          (magic[0] == 0x04 && magic[1] == 0x22 && magic[2] == 0x4d);    // lz4
  return compressed ? 0 : static_cast<uint64_t>(st.st_size);
}

ProgressLine::ProgressLine(std::string label, uint64_t total_bytes)
    : label_(std::move(label)),
      total_(total_bytes),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressLine::~ProgressLine() {
  if (drawn_) std::cerr << "\r\033[K" << std::flush;
}

void ProgressLine::update(uint64_t bytes, uint64_t rows) {
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  const double secs = std::max(1e-3, std::chrono::duration<double>(now - start_).count());
  std::string line = label_ + ": ";
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
    line += fmt::format("{:.0f}% · ", frac * 100);
    if (frac > 0) {
      const auto eta = static_cast<long>(secs * (1 - frac) / frac);
      line += fmt::format("ETA {}:{:02} · ", eta / 60, eta % 60);
    }
  }
  line +=
      fmt::format("{} rows · {} rows/s · {:.1f} MB/s", rows, rate(static_cast<double>(rows) / secs),
                  static_cast<double>(bytes) / 1e6 / secs);
  std::cerr << "\r\033[K" << line << std::flush;
  drawn_ = true;
}

}  // namespace mlo::cli
