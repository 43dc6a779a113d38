// pandas-compatible TSV splitting.
#include "data/tsv.hpp"

namespace dataengine::tsv {

bool parse(std::string_view text, std::vector<Row> & rows, std::string & error) {
    rows.clear();
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
    size_t i = 0, line = 1;
    const size_t n = text.size();
    while (i < n) {
        Row row;
        row.line = line;
        std::string field;
        bool        row_done = false;
        while (!row_done) {
            field.clear();
            if (i < n && text[i] == '"') {  // quoted field
                const size_t quote_line = line;
                ++i;
                for (;;) {
                    if (i >= n) {
                        error = "line " + std::to_string(quote_line) + ": quoted field is never closed";
                        return false;
                    }
                    const char c = text[i++];
                    if (c == '"') {
                        if (i < n && text[i] == '"') { field += '"'; ++i; continue; }
                        break;
                    }
                    if (c == '\n') ++line;
                    field += c;
                }
            }
            // Unquoted part (or what follows a closing quote, which pandas keeps).
            size_t stop = text.find_first_of("\t\n", i);
            if (stop == std::string_view::npos) stop = n;
            field.append(text.data() + i, stop - i);
            i = stop;
            if (!field.empty() && field.back() == '\r' && (i >= n || text[i] == '\n')) field.pop_back();
            row.fields.push_back(field);
            if (i < n && text[i] == '\t') { ++i; continue; }
            if (i < n) { ++i; ++line; }  // newline
            row_done = true;
        }
        const bool blank = row.fields.size() == 1 && row.fields[0].empty();
        if (!blank) rows.push_back(std::move(row));
    }
    return true;
}

bool is_missing(std::string_view cell) {
    static constexpr std::string_view kMissing[] = {
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"};
    for (std::string_view m : kMissing)
        if (cell == m) return true;
    return false;
}

void append_field(std::string & out, std::string_view field) {
    if (field.find_first_of("\t\"\n\r") == std::string_view::npos) {
        out += field;
        return;
    }
    out += '"';
    for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

}  // namespace dataengine::tsv
