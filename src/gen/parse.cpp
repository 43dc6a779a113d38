// Parsing an LLM's reply: the paper's free-text layout in its common variations, or JSON.
#include <cctype>

#include "core/json_read.hpp"
#include "dataengine/gen.hpp"

namespace dataengine {
namespace {

constexpr size_t npos = std::string::npos;

std::string lower(std::string_view s) { return to_lower(s); }

// First occurrence of any of `markers` (lower case, e.g. "answer:") at or after `from`, as
// (position, marker length); markers must start a line or follow white space or '*'.
std::pair<size_t, size_t> find_marker(const std::string & low, const std::vector<std::string> & markers, size_t from = 0) {
    std::pair<size_t, size_t> best{npos, 0};
    for (const std::string & m : markers) {
        for (size_t at = low.find(m, from); at != npos; at = low.find(m, at + 1)) {
            const bool starts_word = at == 0 || std::isspace(static_cast<unsigned char>(low[at - 1])) || low[at - 1] == '*' ||
                                     low[at - 1] == '#';
            if (!starts_word) continue;
            if (at < best.first) best = {at, m.size()};
            break;
        }
    }
    return best;
}

std::string strip(std::string_view s, std::string_view extra = "") {
    size_t b = 0, e = s.size();
    auto junk = [&](char c) { return std::isspace(static_cast<unsigned char>(c)) || c == '*' || extra.find(c) != std::string_view::npos; };
    while (b < e && junk(s[b])) ++b;
    while (e > b && junk(s[e - 1])) --e;
    return std::string(s.substr(b, e - b));
}

// Leading white space and `extra` removed; the end only loses white space.
std::string strip_front(std::string_view s, std::string_view extra) {
    size_t b = 0;
    while (b < s.size() && (std::isspace(static_cast<unsigned char>(s[b])) || extra.find(s[b]) != std::string_view::npos)) ++b;
    return strip(s.substr(b));
}

bool is_letter(char c, size_t max_options) { return c >= 'A' && c < char('A' + max_options); }

// Options from "(A) x (B) y", or from lines "A. x" / "A) x" / "A: x" / "(A) x".
std::vector<std::string> parse_options(const std::string & text) {
    std::vector<std::string> options;
    // Inline "(A) ... (B) ...": the letters must come in order.
    std::vector<size_t> starts;
    for (char letter = 'A'; letter < char('A' + kMaxOptions); ++letter) {
        const std::string token = std::string("(") + letter + ")";
        const size_t at = text.find(token, starts.empty() ? 0 : starts.back() + 3);
        if (at == npos) break;
        starts.push_back(at);
    }
    if (starts.size() >= 2) {
        for (size_t k = 0; k < starts.size(); ++k) {
            const size_t end = k + 1 < starts.size() ? starts[k + 1] : text.size();
            options.push_back(strip(std::string_view(text).substr(starts[k] + 3, end - starts[k] - 3), ",;"));
        }
        return options;
    }
    // One option per line.
    char expected = 'A';
    for (const std::string & raw : split(text, '\n')) {
        const std::string line = strip(raw, "-");
        if (line.size() >= 2 && line[0] == expected && (line[1] == '.' || line[1] == ')' || line[1] == ':')) {
            options.push_back(strip(std::string_view(line).substr(2), ","));
            ++expected;
        } else if (line.size() >= 3 && line[0] == '(' && line[1] == expected && line[2] == ')') {
            options.push_back(strip(std::string_view(line).substr(3), ","));
            ++expected;
        }
    }
    return options;
}

// The answer letter in "The answer is (B)...", "(B)", "B.", "B)" or a lone "B"; npos if none.
// Returns the letter's index and where the text after it starts.
std::pair<int, size_t> find_letter(const std::string & text, size_t options) {
    const size_t n = std::max<size_t>(options, 5);  // letters A-E at least, as the paper's filter
    for (size_t i = 0; i + 2 < text.size(); ++i)
        if (text[i] == '(' && is_letter(text[i + 1], n) && text[i + 2] == ')') return {text[i + 1] - 'A', i + 3};
    const std::string low = lower(text);
    const size_t      is  = low.find("answer is");
    if (is == npos) {  // without "answer is", only a letter at the very start counts: "B. red"
        size_t i = 0;
        while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == '*')) ++i;
        if (i < text.size() && is_letter(text[i], n) &&
            (i + 1 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 1]))))
            return {text[i] - 'A', i + 1};
        return {-1, 0};
    }
    for (size_t i = is + 9; i < text.size(); ++i) {
        if (!is_letter(text[i], n)) continue;
        const bool before = !std::isalnum(static_cast<unsigned char>(text[i - 1]));
        const bool after  = i + 1 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 1]));
        if (before && after) return {text[i] - 'A', i + 1};
    }
    return {-1, 0};
}

ParsedReply parse_json_reply(std::string_view text) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    json::element           root;
    if (const auto code = json::parse_document(parser, text, false, copy, root))
        throw Error(Status::Format, "reply: " + json::describe_parse_failure(code, text));
    json::object obj;
    if (root.get(obj) != simdjson::SUCCESS) throw Error(Status::Format, "reply: JSON reply must be an object");
    ParsedReply r;
    std::string why;
    if (!json::get_string(obj, "question", r.question, why)) throw Error(Status::Format, "reply: " + why);
    const char * list_key = json::has(obj, "options") ? "options" : "choices";
    simdjson::dom::array  list;
    simdjson::dom::object map;
    if (obj[list_key].get(list) == simdjson::SUCCESS) {
        for (json::element e : list) {
            std::string_view s;
            if (e.get(s) != simdjson::SUCCESS) throw Error(Status::Format, std::string("reply: '") + list_key + "' must hold strings");
            r.options.emplace_back(strip(s));
        }
    } else if (obj[list_key].get(map) == simdjson::SUCCESS) {  // {"A": "...", "B": "..."}
        for (auto field : map) {
            std::string_view s;
            if (field.value.get(s) != simdjson::SUCCESS) throw Error(Status::Format, "reply: options must be strings");
            r.options.emplace_back(strip(s));
        }
    } else {
        throw Error(Status::Format, "reply: missing list 'options'");
    }
    json::element answer;
    if (obj["answer"].get(answer) == simdjson::SUCCESS) {
        int64_t index = 0;
        std::string_view s;
        if (answer.get(index) == simdjson::SUCCESS) r.answer = int(index);
        else if (answer.get(s) == simdjson::SUCCESS) {
            const std::string a = strip(s, "().");
            if (a.size() == 1 && a[0] >= 'A' && a[0] <= 'Z') r.answer = a[0] - 'A';
            else {
                const auto [letter, after] = find_letter(std::string(s), r.options.size());
                r.answer = letter;
                r.answer_text = letter >= 0 ? strip(std::string_view(s).substr(after), ":.,") : strip(s);
                if (letter < 0)
                    for (size_t k = 0; k < r.options.size(); ++k)
                        if (lower(r.options[k]) == lower(r.answer_text)) r.answer = int(k);
            }
        }
    }
    for (const char * key : {"rationale", "explanation", "reason"})
        if (r.rationale.empty() && !json::get_string(obj, key, r.rationale, why, false)) throw Error(Status::Format, "reply: " + why);
    return r;
}

}  // namespace

ParsedReply parse_reply(std::string_view reply) {
    std::string text = strip(reply);
    // A fenced block (```json ... ```) holds the reply.
    if (text.rfind("```", 0) == 0) {
        const size_t body = text.find('\n'), close = text.rfind("```");
        if (body != npos && close != npos && close > body) text = strip(std::string_view(text).substr(body + 1, close - body - 1));
    }
    if (!text.empty() && text[0] == '{') return parse_json_reply(text);

    ParsedReply r;
    const std::string low = lower(text);
    if (low.rfind("skip", 0) == 0 && text.size() < 60) {
        r.skipped = true;
        return r;
    }
    const auto q = find_marker(low, {"question:", "q:"});
    if (q.first == npos) throw Error(Status::Format, "reply has no 'Question:'");
    const auto a = find_marker(low, {"answer:"}, q.first + q.second);
    if (a.first == npos) throw Error(Status::Format, "reply has no 'Answer:' after its question");
    auto c = find_marker(low, {"choices:", "options:"}, q.first + q.second);
    if (c.first > a.first) c = {npos, 0};
    size_t question_end = c.first;
    size_t options_begin = c.first == npos ? npos : c.first + c.second;
    if (c.first == npos) {  // no marker: the options start at "(A)" or a line "A."
        const size_t inline_a = text.find("(A)", q.first);
        const size_t line_a   = text.find("\nA.", q.first);
        options_begin = std::min(inline_a, line_a == npos ? npos : line_a + 1);
        if (options_begin == npos || options_begin > a.first) throw Error(Status::Format, "reply has no choices");
        question_end = options_begin;
    }
    r.question = strip(std::string_view(text).substr(q.first + q.second, question_end - q.first - q.second));
    r.options  = parse_options(text.substr(options_begin, a.first - options_begin));
    if (r.options.empty()) throw Error(Status::Format, "reply's choices are not (A) ... (B) ... nor one 'A. ...' per line");

    const auto e = find_marker(low, {"explanation:", "reason:", "rationale:", "reasoning:"}, a.first + a.second);
    const std::string answer = text.substr(a.first + a.second, (e.first == npos ? text.size() : e.first) - a.first - a.second);
    const auto [letter, after] = find_letter(answer, r.options.size());
    r.answer = letter;
    std::string rest = strip_front(letter >= 0 ? std::string_view(answer).substr(after) : std::string_view(answer), ":.,-");
    // "(B) red." names the option; "(B): the circle is red" explains it.
    const std::string rest_low = lower(rest);
    size_t best = 0;
    for (size_t k = 0; k < r.options.size(); ++k) {
        const std::string o = lower(r.options[k]);
        if (!o.empty() && o.size() > best && rest_low.rfind(o, 0) == 0 &&
            (rest_low.size() == o.size() || !std::isalnum(static_cast<unsigned char>(rest_low[o.size()])))) {
            best          = o.size();
            r.answer_text = r.options[k];
            if (letter < 0) r.answer = int(k);
        }
    }
    if (best > 0) rest = strip_front(std::string_view(rest).substr(best), ":.,;-");
    r.rationale = rest;
    if (e.first != npos) {
        const std::string explained = strip(std::string_view(text).substr(e.first + e.second));
        r.rationale = r.rationale.empty() ? explained : r.rationale + " " + explained;
    }
    return r;
}

}  // namespace dataengine
