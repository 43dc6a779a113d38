// The external-command backend: one process per request, the request's JSON on its stdin, the
// reply from its stdout. No shell: arguments go to execvp as they are, so nothing in the data
// is ever interpreted. A process that outlives its timeout is killed.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dataengine/gen.hpp"

extern char ** environ;

namespace dataengine {

std::vector<std::string> split_command_line(std::string_view line) {
    std::vector<std::string> out;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < line.size()) word += line[++i];
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < line.size()) {
            word += line[++i];
            in_word = true;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (in_word) out.push_back(std::move(word));
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote) throw Error(Status::Invalid, "command line: unclosed quote in '" + std::string(line) + "'");
    if (in_word) out.push_back(std::move(word));
    return out;
}

namespace {

// Owns a pipe end; closes it once.
struct Fd {
    int fd = -1;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
};

class CommandBackend final : public LlmBackend {
public:
    explicit CommandBackend(CommandOptions options) : options_(std::move(options)) {
        if (options_.argv.empty()) throw Error(Status::Invalid, "command backend: empty command");
        if (!(options_.timeout_seconds > 0)) throw Error(Status::Invalid, "command backend: the timeout must be positive");
    }

    std::string name() const override { return "command:" + options_.argv[0]; }

    std::string complete(const GenerationRequest & request) override {
        const std::string input = request.to_json() + "\n";
        Fd in[2], out[2], err[2];
        int fds[2];
        for (Fd * p : {in, out, err}) {
            if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(Status::Io, std::string("command backend: pipe: ") + std::strerror(errno));
            p[0].fd = fds[0];
            p[1].fd = fds[1];
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0].fd, 0);
        posix_spawn_file_actions_adddup2(&actions, out[1].fd, 1);
        posix_spawn_file_actions_adddup2(&actions, err[1].fd, 2);
        std::vector<char *> argv;
        for (const std::string & a : options_.argv) argv.push_back(const_cast<char *>(a.c_str()));
        argv.push_back(nullptr);
        pid_t pid = 0;
        const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (spawned != 0)
            throw Error(Status::Io, "command backend: cannot run '" + options_.argv[0] + "': " + std::strerror(spawned));
        in[0].reset();
        out[1].reset();
        err[1].reset();
        ::fcntl(in[1].fd, F_SETFL, O_NONBLOCK);

        // Feed stdin and drain stdout/stderr together, so a chatty child never blocks us.
        std::string reply, errors;
        size_t written = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.timeout_seconds);
        bool timed_out = false;
        while (out[0].fd >= 0 || err[0].fd >= 0) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) {
                timed_out = true;
                break;
            }
            pollfd p[3];
            nfds_t n = 0;
            if (in[1].fd >= 0) p[n++] = {in[1].fd, POLLOUT, 0};
            if (out[0].fd >= 0) p[n++] = {out[0].fd, POLLIN, 0};
            if (err[0].fd >= 0) p[n++] = {err[0].fd, POLLIN, 0};
            if (::poll(p, n, int(std::min<long long>(left, 1000))) < 0 && errno != EINTR) break;
            for (nfds_t k = 0; k < n; ++k) {
                if (!p[k].revents) continue;
                if (p[k].fd == in[1].fd) {
                    const ssize_t w = ::write(in[1].fd, input.data() + written, input.size() - written);
                    if (w > 0) written += size_t(w);
                    if (w < 0 && errno != EAGAIN) written = input.size();  // the child closed stdin: fine
                    if (written == input.size()) in[1].reset();
                } else {
                    char buffer[4096];
                    const ssize_t r = ::read(p[k].fd, buffer, sizeof buffer);
                    if (r > 0) (p[k].fd == out[0].fd ? reply : errors).append(buffer, size_t(r));
                    else if (r == 0 || errno != EAGAIN) (p[k].fd == out[0].fd ? out[0] : err[0]).reset();
                }
            }
        }
        // The child may close its output and keep running: it still has until the deadline.
        int status = 0;
        for (;;) {
            if (timed_out) ::kill(pid, SIGKILL);
            const pid_t done = ::waitpid(pid, &status, timed_out ? 0 : WNOHANG);
            if (done == pid || (done < 0 && errno != EINTR)) break;
            if (done == 0) {
                if (std::chrono::steady_clock::now() >= deadline) timed_out = true;
                else ::usleep(2000);
            }
        }
        if (timed_out)
            throw Error(Status::Io, "command backend: '" + options_.argv[0] + "' gave no reply within " +
                                        std::to_string(options_.timeout_seconds) + " s (killed)");
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            if (errors.size() > 300) errors = "..." + errors.substr(errors.size() - 300);
            throw Error(Status::Io, "command backend: '" + options_.argv[0] + "' " +
                                        (WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                                           : std::string("was killed by a signal")) +
                                        (errors.empty() ? "" : ": " + trim(errors)));
        }
        return reply;
    }

private:
    CommandOptions options_;
};

}  // namespace

std::unique_ptr<LlmBackend> command_backend(CommandOptions options) { return std::make_unique<CommandBackend>(std::move(options)); }

}  // namespace dataengine
