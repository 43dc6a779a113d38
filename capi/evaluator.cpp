// C ABI: the evaluator and its reports.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace {

void fill(const Score & s, de_score * out) {
    out->n        = s.n;
    out->correct  = s.correct;
    out->accuracy = s.accuracy();
}

de_status lookup_score(const std::map<std::string, Score> & scores, const char * name, de_score * out, const char * function) {
    auto it = scores.find(name);
    if (it == scores.end()) return fail(DE_ENOTFOUND, (std::string(function) + ": no type '" + name + "' in the report").c_str());
    fill(it->second, out);
    return DE_OK;
}

}  // namespace

extern "C" {

de_status de_evaluator_options_init(de_evaluator_options * options, size_t struct_size) {
    return capi::init_options(options, struct_size, "de_evaluator_options_init");
}

de_status de_evaluator_create(const de_dataset_t * benchmark, const de_evaluator_options * options, de_evaluator_t ** out) {
    if (out) *out = nullptr;
    if (!benchmark || !out) return null_argument("de_evaluator_create");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_evaluator_create: options.struct_size is wrong; call de_evaluator_options_init");
    EvalOptions eval;
    if (DE_HAS_FIELD(options, circular)) eval.circular = options->circular != 0;
    if (DE_HAS_FIELD(options, benchmark) && options->benchmark) eval.benchmark = options->benchmark;
    return guard([&] { *out = new de_evaluator{Evaluator(benchmark->impl, eval)}; });
}

void de_evaluator_free(de_evaluator_t * evaluator) { delete evaluator; }

de_status de_evaluator_add_text(de_evaluator_t * evaluator, const char * id, const char * text) {
    if (!evaluator || !id || !text) return null_argument("de_evaluator_add_text");
    return guard([&] { evaluator->impl.add(id, Prediction::from_text(text)); });
}

de_status de_evaluator_add_letter(de_evaluator_t * evaluator, const char * id, char letter) {
    if (!evaluator || !id) return null_argument("de_evaluator_add_letter");
    return guard([&] { evaluator->impl.add(id, Prediction::from_letter(letter)); });
}

de_status de_evaluator_add_scores(de_evaluator_t * evaluator, const char * id, const double * scores, size_t count) {
    if (!evaluator || !id || (!scores && count > 0)) return null_argument("de_evaluator_add_scores");
    return guard([&] { evaluator->impl.add(id, Prediction::from_scores(std::vector<double>(scores, scores + count))); });
}

de_status de_evaluator_add_aokvqa(de_evaluator_t * evaluator, const char * id, const char * choice, const char * direct_answer) {
    if (!evaluator || !id) return null_argument("de_evaluator_add_aokvqa");
    if (!choice && !direct_answer) return fail(DE_EINVALID, "de_evaluator_add_aokvqa: give a choice, a direct answer or both");
    return guard([&] {
        Prediction p = Prediction::from_choice(choice ? choice : "");
        if (direct_answer) {
            p.direct_answer     = direct_answer;
            p.has_direct_answer = true;
        }
        evaluator->impl.add(id, std::move(p));
    });
}

de_status de_evaluator_add_file(de_evaluator_t * evaluator, const char * path, int32_t format) {
    if (!evaluator || !path) return null_argument("de_evaluator_add_file");
    if (format < DE_FORMAT_JSONL || format > DE_FORMAT_LLAVA) return fail(DE_EINVALID, "de_evaluator_add_file: unknown format");
    return guard([&] { evaluator->impl.add(read_predictions(path, Format(format))); });
}

de_status de_evaluator_prediction_count(const de_evaluator_t * evaluator, size_t * out) {
    if (out) *out = 0;
    if (!evaluator || !out) return null_argument("de_evaluator_prediction_count");
    *out = evaluator->impl.predictions();
    return DE_OK;
}

de_status de_evaluator_finish(const de_evaluator_t * evaluator, de_report_t ** out) {
    if (out) *out = nullptr;
    if (!evaluator || !out) return null_argument("de_evaluator_finish");
    return guard([&] { *out = new de_report{evaluator->impl.finish()}; });
}

void de_report_free(de_report_t * report) { delete report; }

de_status de_report_merge(const de_report_t * const * reports, size_t count, de_report_t ** out) {
    if (out) *out = nullptr;
    if (!reports || !out) return null_argument("de_report_merge");
    if (count == 0) return fail(DE_EINVALID, "de_report_merge: no reports");
    for (size_t i = 0; i < count; ++i)
        if (!reports[i]) return fail(DE_EINVALID, ("de_report_merge: reports[" + std::to_string(i) + "] is NULL").c_str());
    return guard([&] {
        std::vector<EvalReport> shards;
        for (size_t i = 0; i < count; ++i) shards.push_back(reports[i]->impl);
        *out = new de_report{merge_reports(shards)};
    });
}

de_status de_report_from_json(const char * json, de_report_t ** out) {
    if (out) *out = nullptr;
    if (!json || !out) return null_argument("de_report_from_json");
    return guard([&] { *out = new de_report{report_from_json(json)}; });
}

de_status de_report_overall(const de_report_t * report, de_score * out) {
    if (!report || !out) return null_argument("de_report_overall");
    fill(report->impl.overall, out);
    return DE_OK;
}

de_status de_report_type_count(const de_report_t * report, size_t * out) {
    if (out) *out = 0;
    if (!report || !out) return null_argument("de_report_type_count");
    *out = report->impl.by_type.size();
    return DE_OK;
}

de_status de_report_type_name(const de_report_t * report, size_t i, const char ** out) {
    if (out) *out = nullptr;
    if (!report || !out) return null_argument("de_report_type_name");
    if (i >= report->impl.by_type.size()) return fail(DE_ERANGE, "de_report_type_name: index past the number of types");
    *out = std::next(report->impl.by_type.begin(), long(i))->first.c_str();
    return DE_OK;
}

de_status de_report_type_score(const de_report_t * report, const char * type, de_score * out) {
    if (!report || !type || !out) return null_argument("de_report_type_score");
    return lookup_score(report->impl.by_type, type, out, "de_report_type_score");
}

de_status de_report_parent_type_score(const de_report_t * report, const char * parent_type, de_score * out) {
    if (!report || !parent_type || !out) return null_argument("de_report_parent_type_score");
    return lookup_score(report->impl.by_parent_type, parent_type, out, "de_report_parent_type_score");
}

de_status de_report_metric(const de_report_t * report, const char * name, double * out) {
    if (out) *out = 0;
    if (!report || !name || !out) return null_argument("de_report_metric");
    auto it = report->impl.metrics.find(name);
    if (it == report->impl.metrics.end())
        return fail(DE_ENOTFOUND, (std::string("de_report_metric: no metric '") + name + "' in the report").c_str());
    *out = it->second;
    return DE_OK;
}

de_status de_report_problems(const de_report_t * report, int64_t * out_unextracted, int64_t * out_refused, int64_t * out_missing) {
    if (!report || !out_unextracted || !out_refused || !out_missing) return null_argument("de_report_problems");
    *out_unextracted = report->impl.unextracted;
    *out_refused     = report->impl.refused;
    *out_missing     = report->impl.missing;
    return DE_OK;
}

de_status de_report_bad_case_count(const de_report_t * report, const char * type, size_t * out) {
    if (out) *out = 0;
    if (!report || !type || !out) return null_argument("de_report_bad_case_count");
    auto it = report->impl.bad_cases.find(type);
    *out = it == report->impl.bad_cases.end() ? 0 : it->second.size();
    return DE_OK;
}

de_status de_report_bad_case(const de_report_t * report, const char * type, size_t i, const char ** out) {
    if (out) *out = nullptr;
    if (!report || !type || !out) return null_argument("de_report_bad_case");
    auto it = report->impl.bad_cases.find(type);
    if (it == report->impl.bad_cases.end() || i >= it->second.size())
        return fail(DE_ERANGE, (std::string("de_report_bad_case: no bad case ") + std::to_string(i) + " for type '" + type + "'").c_str());
    *out = it->second[i].c_str();
    return DE_OK;
}

de_status de_report_json(const de_report_t * report, char ** out) {
    if (out) *out = nullptr;
    if (!report || !out) return null_argument("de_report_json");
    return guard([&] { *out = capi::owned_string(to_json(report->impl)); });
}

de_status de_report_markdown(const de_report_t * report, char ** out) {
    if (out) *out = nullptr;
    if (!report || !out) return null_argument("de_report_markdown");
    return guard([&] { *out = capi::owned_string(to_markdown(report->impl)); });
}

}  // extern "C"
