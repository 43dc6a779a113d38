// Internal: tab-separated values as pandas reads and writes them (quotechar '"', doubled quotes
// inside quoted fields, tabs and newlines allowed there, blank lines skipped).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dataengine::tsv {

struct Row {
    size_t                   line = 0;  // 1-based line where the row starts
    std::vector<std::string> fields;
};

// Splits `content` into rows. Returns false with `error` ("line L: ...") on an unterminated
// quoted field, the only thing that makes the rest of the file unreadable.
bool parse(std::string_view content, std::vector<Row> & rows, std::string & error);

// pandas' default missing-value spellings ("", "NaN", "nan", "None", "NA", "N/A", "null", ...).
bool is_missing(std::string_view cell);

// A field as pandas' to_csv writes it: quoted when it holds a tab, a quote or a line break.
void append_field(std::string & out, std::string_view field);

}  // namespace dataengine::tsv
