#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "mlo/data/category_table.hpp"

using mlo::CategoryTable;

TEST_CASE("CategoryTable gives every category its index and -1 to anything else") {
  std::vector<std::string> cats;
  for (int i = 0; i < 300; ++i) cats.push_back("c" + std::to_string(i * 7919));
  cats.push_back("");                                    // the empty string is a category here
  cats.push_back("a rather long category name, > 8 B");  // several hash words
  cats.push_back(std::string("nul\0inside", 10));
  CategoryTable table(cats);
  for (size_t i = 0; i < cats.size(); ++i) CHECK(table.find(cats[i]) == static_cast<int>(i));
  CHECK(table.find("c1") == -1);
  CHECK(table.find("c0 ") == -1);
  CHECK(table.find("a rather long category name, > 8 b") == -1);
  CHECK(table.find(std::string("nul\0insidf", 10)) == -1);
  CHECK(table.find("nul") == -1);
}

TEST_CASE("CategoryTable keeps the first index of a duplicated category; empty table finds none") {
  CategoryTable table(std::vector<std::string>{"x", "y", "x"});
  CHECK(table.find("x") == 0);
  CHECK(table.find("y") == 1);
  CHECK(CategoryTable().find("x") == -1);
  CHECK(CategoryTable(std::vector<std::string>{}).find("") == -1);
}
