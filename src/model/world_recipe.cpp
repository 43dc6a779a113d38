// The two-stage recipe on a world directory: vocabulary, and the cached stage-1 model.
#include <filesystem>

#include "dataengine/model.hpp"

namespace dataengine {

Tokenizer world_tokenizer(const std::string & dir) {
    std::vector<std::string> texts = {question_prompt([] {
                                          Sample s;
                                          s.hint     = "x";
                                          s.question = "x";
                                          s.options  = {"A", "B", "C", "D", "E", "F", "G", "H"};
                                          return s;
                                      }()),
                                      "The answer is (A) B C D E F G H."};
    for (const char * name : {"captions.jsonl", "seed_train.jsonl", "dev.jsonl", "test.jsonl"}) {
        const std::string path = dir + "/" + name;
        if (!file_exists(path)) throw Error(Status::NotFound, "world '" + dir + "' has no " + name + " (run dataengine world first)");
        const Dataset data = read_dataset(path, Format::Jsonl);
        for (const Sample & s : data.samples()) {
            texts.push_back(s.hint);
            texts.push_back(s.question);
            for (const auto * list : {&s.options, &s.direct_answers, &s.rationales}) texts.insert(texts.end(), list->begin(), list->end());
        }
    }
    Tokenizer tokenizer;
    tokenizer.add_words(texts);
    return tokenizer;
}

namespace {

std::string fingerprint(const PretrainOptions & o) {
    const ModelConfig & c = o.config;
    const TrainOptions & t = o.train;
    JsonWriter w;
    w.begin_object().key("format").value(builtin_model_format()).key("image_size").value(c.image_size).key("dim").value(c.dim).key("heads").value(c.heads)
        .key("encoder_layers").value(c.encoder_layers).key("decoder_layers").value(c.decoder_layers)
        .key("image_tokens_side").value(c.image_tokens_side).key("prefix_side").value(c.prefix_side)
        .key("max_text_tokens").value(c.max_text_tokens).key("model_seed").value(c.seed)
        .key("steps").value(t.steps).key("batch_size").value(t.batch_size).key("learning_rate").value(t.learning_rate)
        .key("weight_decay").value(t.weight_decay).key("warmup_steps").value(t.warmup_steps).key("seed").value(t.seed)
        .key("grounding_weight").value(t.grounding_weight).key("bidirectional_prompt").value(c.bidirectional_prompt);
    // Settings added later enter only when off their default, so a stage 1 cached before they
    // existed (made with what is now the default) stays valid. Changing one of these defaults
    // means writing its key always (old caches then no longer match, as they should not): the
    // grounding weight and the bidirectional prompt above are written always since their
    // defaults changed (to 1 and to true; a cache made with the prompt in the prefix before
    // still matches, its key was written then too).
    const ModelConfig defaults;
    if (c.grid_convs != defaults.grid_convs) w.key("grid_convs").value(c.grid_convs);
    w.end_object();
    return w.take();
}

}  // namespace

std::unique_ptr<Model> pretrained_model(const std::string & dir, const PretrainOptions & options,
                                        const ProgressCallback & progress, bool * cached) {
    const std::string cache = dir + "/stage1";
    const std::string print = fingerprint(options);
    if (cached) *cached = false;
    if (file_exists(cache + "/pretrain.json") && file_exists(cache + "/model.json") &&
        trim(read_file(cache + "/pretrain.json")) == print) {
        if (cached) *cached = true;
        return load_model(cache);
    }
    const Dataset captions = read_dataset(dir + "/captions.jsonl", Format::Jsonl);
    auto model = create_builtin_model(options.config, world_tokenizer(dir));
    TrainOptions train = options.train;
    train.checkpoint_dir = cache + "/checkpoint";  // an interrupted stage 1 resumes
    if (train.checkpoint_every == 0) train.checkpoint_every = 200;
    const TrainReport report = model->train({{&captions, TrainSource::Kind::Captions, 1.0}}, train, progress);
    model->save(cache);
    write_file_atomic(cache + "/pretrain.json", print + "\n");
    JsonWriter w;
    w.begin_object().key("steps").value(report.steps).key("seconds").value(report.seconds)
        .key("samples_per_second").value(report.samples_per_second).key("first_loss").value(report.first_loss())
        .key("last_loss").value(report.last_loss());
    if (!report.grounding_losses.empty())
        w.key("grounding_first_loss").value(report.grounding_losses.front()).key("grounding_last_loss").value(report.grounding_losses.back());
    w.end_object();
    write_file_atomic(cache + "/train_report.json", w.str() + "\n");
    std::error_code ignored;
    std::filesystem::remove_all(train.checkpoint_dir, ignored);
    return model;
}

}  // namespace dataengine
