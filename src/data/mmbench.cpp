// MMBench TSV as VLMEvalKit reads it: columns index, question, hint, A..D (up to H), answer,
// category, l2-category (or L2-category), image (base64, or <= 64 chars naming the row whose
// image to use), and any others (kept in Sample::extra). Circular copies have
// index = k * 1000000 + i and share the group i.
#include <algorithm>
#include <charconv>
#include <set>
#include <map>
#include <unordered_map>

#include "data/readers.hpp"
#include "data/tsv.hpp"

namespace dataengine {
namespace {

constexpr int64_t kCircularStride = 1000000;

bool parse_int(std::string_view text, int64_t & value) {
    // pandas may have written an integer column as floats ("12.0") when it held missing values.
    std::string_view digits = text;
    if (digits.size() > 2 && digits.substr(digits.size() - 2) == ".0") digits.remove_suffix(2);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc() && end == digits.data() + digits.size();
}

struct Columns {
    int index = -1, question = -1, hint = -1, answer = -1, category = -1, l2 = -1, image = -1, image_path = -1;
    int options[kMaxOptions] = {-1, -1, -1, -1, -1, -1, -1, -1};
    std::vector<std::pair<int, std::string>> others;  // kept in Sample::extra
};

Columns map_columns(const std::vector<std::string> & header) {
    Columns c;
    for (int i = 0; i < int(header.size()); ++i) {
        const std::string & name = header[i];
        if (name == "index") c.index = i;
        else if (name == "question") c.question = i;
        else if (name == "hint") c.hint = i;
        else if (name == "answer") c.answer = i;
        else if (name == "category") c.category = i;
        else if (name == "l2-category" || name == "L2-category") c.l2 = i;
        else if (name == "image") c.image = i;
        else if (name == "image_path") c.image_path = i;
        else if (name.size() == 1 && name[0] >= 'A' && name[0] < 'A' + kMaxOptions) c.options[name[0] - 'A'] = i;
        else c.others.emplace_back(i, name);
    }
    return c;
}

struct PendingReference {
    size_t      sample;     // position in the dataset
    int64_t     target;     // index named by the image cell
    std::string where;
};

}  // namespace

void read_mmbench(Input input, RecordErrors & errors, Dataset & out) {
    const std::string_view content = input.text;
    std::vector<tsv::Row> rows;
    std::string           error;
    if (!tsv::parse(content, rows, error)) errors.fatal("", error);
    if (rows.empty()) errors.fatal("", "empty file: no header row");
    const Columns c = map_columns(rows[0].fields);
    if (c.index < 0) errors.fatal("line 1", "no 'index' column in the header");
    if (c.question < 0) errors.fatal("line 1", "no 'question' column in the header");
    const ReadOptions & options = errors.options();
    const size_t        width   = rows[0].fields.size();

    // Rows are collected first: image references may point forward, and a row whose reference
    // fails is dropped before anything reaches the dataset.
    std::vector<Sample>                 samples;
    std::unordered_map<int64_t, size_t> position_of_index;  // index -> position in samples
    std::vector<PendingReference>       references;

    for (size_t r = 1; r < rows.size(); ++r) {
        const tsv::Row & row = rows[r];
        errors.seen();
        std::string where = "line " + std::to_string(row.line);
        if (row.fields.size() > width) {
            errors.reject(where, {"wrong field count", "expected " + std::to_string(width) + " fields, saw " +
                                                           std::to_string(row.fields.size())});
            continue;
        }
        auto cell = [&](int column) -> std::string_view {
            return column >= 0 && size_t(column) < row.fields.size() ? std::string_view(row.fields[column]) : std::string_view();
        };
        auto missing = [&](int column) { return tsv::is_missing(cell(column)); };
        auto    bad = [&](const char * reason, std::string detail) { errors.reject(where, {reason, std::move(detail)}); };

        int64_t index = 0;
        if (missing(c.index) || !parse_int(cell(c.index), index) || index < 0) {
            bad("bad index", "field 'index': '" + std::string(cell(c.index)) + "' is not a non-negative integer");
            continue;
        }
        where += " (index " + std::to_string(index) + ")";
        bool ok = true;
        for (const auto & field : row.fields)
            if (!is_valid_utf8(field)) { ok = false; break; }
        if (!ok) { bad("invalid UTF-8", "a field is not valid UTF-8"); continue; }
        if (missing(c.question)) { bad("missing field", "field 'question' is empty"); continue; }

        Sample s;
        s.id             = std::to_string(index);
        s.question       = std::string(cell(c.question));
        s.circular_group = std::to_string(index % kCircularStride);
        s.rotation       = int(index / kCircularStride);
        if (!missing(c.hint)) s.hint = std::string(cell(c.hint));
        if (!missing(c.category)) s.type = std::string(cell(c.category));
        if (!missing(c.l2)) s.parent_type = std::string(cell(c.l2));

        // Options: present letters must be contiguous from A (C and D may both be empty).
        int gap = -1;
        for (int k = 0; k < kMaxOptions && ok; ++k) {
            const bool none_text = options.keep_none_literal && cell(c.options[k]) == "None";
            if (c.options[k] < 0 || (missing(c.options[k]) && !none_text)) {
                if (gap < 0) gap = k;
                continue;
            }
            if (gap >= 0) {
                bad("bad options", std::string("option ") + option_letter(k) + " is given but option " + option_letter(gap) + " is empty");
                ok = false;
            }
            s.options.emplace_back(cell(c.options[k]));
        }
        if (!ok) continue;
        if (s.options.size() < 2) { bad("bad options", "fewer than 2 options (columns A and B are needed)"); continue; }

        if (!missing(c.answer)) {
            const std::string_view a = cell(c.answer);
            const int at = a.size() == 1 ? a[0] - 'A' : -1;
            if (at < 0 || at >= int(s.options.size())) {
                bad("bad answer", "field 'answer': '" + std::string(a) + "' is not one of the option letters A-" +
                                      std::string(1, option_letter(int(s.options.size()) - 1)));
                continue;
            }
            s.answer = at;
        }
        for (const auto & [column, name] : c.others)
            if (!missing(column)) s.extra.emplace(name, std::string(cell(column)));

        // Images: base64 inline, a reference to another row (resolved below), or a path.
        bool reference = false;
        int64_t target = 0;
        if (!missing(c.image)) {
            const std::string_view image = cell(c.image);
            if (image.size() <= 64) {
                if (!parse_int(image, target)) {
                    bad("bad image", "field 'image': short cell '" + std::string(image) + "' is neither base64 image data nor a row index");
                    continue;
                }
                reference = true;
            } else {
                std::string bytes;
                if (!base64_decode(image, bytes)) { bad("bad base64", "field 'image' is not valid base64"); continue; }
                if (options.verify_images) {
                    try {
                        check_image(bytes, options.image_limits, "field 'image'");
                    } catch (const Error & e) {
                        bad(e.status() == Status::Limit ? "image over limit" : "bad image", e.what());
                        continue;
                    }
                }
                s.image = ImageRef::inline_bytes(std::move(bytes));
            }
        } else if (!missing(c.image_path)) {
            try {
                resolve_image_path("", cell(c.image_path));
            } catch (const Error & e) {
                bad("path escapes root", e.what());
                continue;
            }
            s.image = ImageRef::file(std::string(cell(c.image_path)));
        }
        if (!position_of_index.emplace(index, samples.size()).second) {
            bad("duplicate id", "duplicate index " + std::to_string(index));
            continue;
        }
        if (reference) references.push_back({samples.size(), target, where});
        samples.push_back(std::move(s));
        if ((r & 255) == 0) errors.progress(int64_t(r), int64_t(rows.size()));
    }

    std::vector<bool> drop(samples.size(), false);
    for (const PendingReference & ref : references) {
        auto it = position_of_index.find(ref.target);
        const Sample * target = it == position_of_index.end() ? nullptr : &samples[it->second];
        if (!target || target->image.kind != ImageKind::Inline) {
            errors.reject(ref.where, {"bad image", "field 'image' names row index " + std::to_string(ref.target) +
                                                       (target ? ", which has no image data of its own" : ", which does not exist")});
            drop[ref.sample] = true;
            continue;
        }
        samples[ref.sample].image = target->image;
    }
    for (size_t i = 0; i < samples.size(); ++i) {
        if (drop[i]) continue;
        out.add(std::move(samples[i]));
        errors.accepted();
    }
    errors.progress(int64_t(rows.size()), int64_t(rows.size()));
}

std::string write_mmbench(const Dataset & dataset) {
    size_t                options = 4;  // MMBench always has A-D, empty where unused
    std::set<std::string> extra_keys;
    for (const Sample & s : dataset.samples()) {
        options = std::max(options, s.options.size());
        for (const auto & [key, value] : s.extra) extra_keys.insert(key);
    }
    std::string out = "index\tquestion\thint";
    for (size_t k = 0; k < options; ++k) (out += '\t') += option_letter(int(k));
    out += "\tanswer\tcategory\tl2-category\timage";
    for (const std::string & key : extra_keys) (out += '\t') += key;
    out += '\n';

    std::map<std::string, int64_t> first_row_with_image;  // bytes -> index that carries them
    for (const Sample & s : dataset.samples()) {
        int64_t index = 0;
        if (!parse_int(s.id, index) || index < 0)
            throw Error(Status::Invalid, "MMBench TSV needs integer ids; sample '" + s.id + "' has none");
        if (s.image.kind != ImageKind::Inline && s.image.kind != ImageKind::None && s.image.kind != ImageKind::File)
            throw Error(Status::Invalid, "MMBench TSV: sample '" + s.id + "' has a scene image; render it first");
        out += s.id;
        out += '\t';
        tsv::append_field(out, s.question);
        out += '\t';
        tsv::append_field(out, s.hint);
        for (size_t k = 0; k < options; ++k) {
            out += '\t';
            if (k < s.options.size()) tsv::append_field(out, s.options[k]);
        }
        out += '\t';
        if (s.has_answer()) out += option_letter(s.answer);
        out += '\t';
        tsv::append_field(out, s.type);
        out += '\t';
        tsv::append_field(out, s.parent_type);
        out += '\t';
        if (s.image.kind != ImageKind::None) {
            std::string bytes = dataset.image_bytes(s);
            auto [it, inserted] = first_row_with_image.emplace(std::move(bytes), index);
            // Later rows with the same image name the first one, as the real files do.
            out += inserted ? base64_encode(it->first) : std::to_string(it->second);
        }
        for (const std::string & key : extra_keys) {
            out += '\t';
            auto it = s.extra.find(key);
            if (it != s.extra.end()) tsv::append_field(out, it->second);
        }
        out += '\n';
    }
    return out;
}

}  // namespace dataengine
