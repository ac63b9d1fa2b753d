#pragma once

#include <atomic>
#include <thread>

#include <QByteArray>

namespace imsa::test {

/// A program other than imsa answering HTTP on 127.0.0.1, for checking how imsa and `imsa
/// doctor` tell it apart. It runs on a thread of its own, because the tests wait for imsa
/// commands with a blocked event loop.
class StandInEndpoint
{
public:
    enum class Mode {
        /// Answers every request itself, with a fixed body and the given X-Imsa-Proof header
        /// (copied from an answer of imsa's).
        OwnAnswer,
        /// Passes every request on to imsa on 127.0.0.1:imsaPort and its answer back.
        RelayToImsa,
    };

    /// Listens on 127.0.0.1:port (0: any free port); see isListening().
    StandInEndpoint(quint16 port, Mode mode, quint16 imsaPort = 0, QByteArray proof = {});
    ~StandInEndpoint();
    StandInEndpoint(const StandInEndpoint &) = delete;
    StandInEndpoint &operator=(const StandInEndpoint &) = delete;

    bool isListening() const { return m_listener >= 0; }

    quint16 port() const { return m_port; }

private:
    void serve();
    void answer(int client) const;

    int m_listener = -1;
    quint16 m_port = 0;
    Mode m_mode;
    quint16 m_imsaPort;
    QByteArray m_proof;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
};

/// The head of the answer to a GET with `X-Imsa-Challenge: challenge` from 127.0.0.1:port,
/// or empty.
QByteArray challengeAnswerHead(quint16 port, const QByteArray &challenge);

/// The value of `name` (lower case) in an HTTP head, or empty.
QByteArray headerValue(const QByteArray &head, const QByteArray &name);

} // namespace imsa::test
