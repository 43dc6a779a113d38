// C ABI: a model the host built, driven through its callbacks (de_model_from_host). The engine's
// evaluator, pool embedding and ABS see it as any other Model.
#include <chrono>
#include <cmath>
#include <map>

#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace {

// A Dataset the engine owns, lent to a callback as a de_dataset_t for the length of the call.
de_dataset borrowed(const Dataset & data) {
    return de_dataset{std::shared_ptr<const Dataset>(&data, [](const Dataset *) {}), {}};
}

Error callback_failed(const char * name, int32_t code, const std::string & what) {
    return Error(Status::Aborted, std::string("host model: the ") + name + " callback returned " + std::to_string(code) +
                                      (what.empty() ? "" : " (" + what + ")"));
}

// Forwards the host's progress reports from its train callback to the engine's callback.
int forward_progress(const char * phase, int64_t done, int64_t total, void * user_data) {
    const auto & progress = *static_cast<const ProgressCallback *>(user_data);
    return progress({phase ? phase : "train", done, total}) ? 0 : 1;
}

class HostModel final : public Model {
public:
    explicit HostModel(const de_host_model & host) : host_(host) {}
    ~HostModel() override {
        if (host_.release) host_.release(host_.user_data);
    }

    std::string kind() const override { return "host"; }

    std::vector<std::vector<double>> score(const Dataset & data, const std::vector<size_t> & indices,
                                           const ScoreOptions &, const ProgressCallback & progress) override {
        if (!host_.score) throw Error(Status::Unsupported, "host model: no score callback");
        de_dataset                       view = borrowed(data);
        std::map<std::string, Image>     decoded;  // circular copies share an image: decode it once
        std::vector<std::vector<double>> out(indices.size());
        ProgressReporter                 reporter(progress, "score", int64_t(indices.size()));
        for (size_t i = 0; i < indices.size(); ++i) {
            const Sample & s = data[indices[i]];
            if (!s.options.empty()) {
                const Image * image = nullptr;
                if (s.image.kind == ImageKind::File || s.image.kind == ImageKind::Inline) {
                    const std::string key = std::to_string(int(s.image.kind)) + ":" + s.image.value;
                    auto it = decoded.find(key);
                    if (it == decoded.end()) it = decoded.emplace(key, decode_image(data.image_bytes(s), {}, s.id)).first;
                    image = &it->second;
                }
                out[i].assign(s.options.size(), 0.0);
                const int32_t code = host_.score(&view, indices[i], image ? image->pixels.data() : nullptr,
                                                 image ? image->width : 0, image ? image->height : 0, out[i].data(),
                                                 out[i].size(), host_.user_data);
                if (code != 0) throw callback_failed("score", code, "sample '" + s.id + "'");
                for (double v : out[i])
                    if (std::isnan(v)) throw callback_failed("score", 0, "sample '" + s.id + "' scored NaN");
            }
            reporter.update(int64_t(i + 1));
        }
        reporter.finish();
        return out;
    }

    TrainReport train(const std::vector<TrainSource> & sources, const TrainOptions & options,
                      const ProgressCallback & progress) override {
        if (!host_.train) throw Error(Status::Unsupported, "host model: no train callback (it cannot be trained)");
        std::vector<de_dataset>      views;
        std::vector<de_train_source> c_sources;
        views.reserve(sources.size());
        for (const TrainSource & s : sources) {
            views.push_back(borrowed(*s.data));
            c_sources.push_back({&views.back(), s.kind == TrainSource::Kind::Captions ? DE_SOURCE_CAPTIONS : DE_SOURCE_QUESTIONS,
                                 s.weight});
        }
        de_train_options o;
        de_train_options_init(&o, sizeof o);
        capi::write_train_options(options, &o);
        if (progress) {
            o.progress           = forward_progress;
            o.progress_user_data = const_cast<ProgressCallback *>(&progress);
        }
        double        final_loss = std::nan("");
        const auto    start      = std::chrono::steady_clock::now();
        const int32_t code       = host_.train(c_sources.data(), c_sources.size(), &o, &final_loss, host_.user_data);
        if (code != 0) throw callback_failed("train", code, "");
        TrainReport report;
        report.steps   = options.steps;
        report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (!std::isnan(final_loss)) report.losses.push_back(final_loss);
        if (report.seconds > 0) report.samples_per_second = double(options.steps) * options.batch_size / report.seconds;
        return report;
    }

    std::vector<std::vector<float>> embed_images(const std::vector<Image> & images) override {
        if (!host_.embed || host_.embedding_dim == 0)
            throw Error(Status::Unsupported, "host model: no embed callback (give the pool embeddings another way)");
        std::vector<std::vector<float>> out;
        for (size_t i = 0; i < images.size(); ++i) {
            std::vector<float> e(host_.embedding_dim, 0.0f);
            const int32_t code = host_.embed(images[i].pixels.data(), images[i].width, images[i].height, e.data(), e.size(),
                                             host_.user_data);
            if (code != 0) throw callback_failed("embed", code, "image " + std::to_string(i));
            double norm = 0;
            for (float v : e) norm += double(v) * v;
            if (!(norm > 0) || std::isinf(norm)) throw callback_failed("embed", 0, "image " + std::to_string(i) + ": zero or non-finite vector");
            for (float & v : e) v = float(v / std::sqrt(norm));
            out.push_back(std::move(e));
        }
        return out;
    }

    void save(const std::string & dir) const override {
        if (!host_.save) throw Error(Status::Unsupported, "host model: no save callback");
        const int32_t code = host_.save(dir.c_str(), host_.user_data);
        if (code != 0) throw callback_failed("save", code, dir);
    }

private:
    de_host_model host_;
};

}  // namespace

extern "C" {

de_status de_host_model_init(de_host_model * host, size_t struct_size) {
    return capi::init_options(host, struct_size, "de_host_model_init");
}

de_status de_model_from_host(const de_host_model * host, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!host || !out) return null_argument("de_model_from_host");
    if (capi::bad_options_size(host)) return fail(DE_EINVALID, "de_model_from_host: bad struct_size");
    if (!DE_HAS_FIELD(host, release)) return fail(DE_EINVALID, "de_model_from_host: struct_size too small for a host model");
    if (!host->score) return fail(DE_EINVALID, "de_model_from_host: a host model needs at least a score callback");
    return guard([&] {
        de_host_model copy;
        de_host_model_init(&copy, sizeof copy);
        std::memcpy(static_cast<void *>(&copy), host, host->struct_size);
        copy.struct_size = sizeof copy;
        *out = new de_model{std::make_unique<HostModel>(copy)};
    });
}

}  // extern "C"
