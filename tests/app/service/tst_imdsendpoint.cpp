// The metadata endpoint served from several threads: requests in flight at once in different
// threads, every answer whole while the main thread swaps the served snapshot under load, and
// a clean stop with clients still connected.
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <QDeadlineTimer>
#include <QMutex>
#include <QSet>
#include <QTest>
#include <QThread>
#include <QWaitCondition>

#include "imsa/clock.h"
#include "service/imdsendpoint.h"
#include "service/servedsnapshot.h"

using namespace imsa;
using namespace imsa::app;
using namespace Qt::StringLiterals;

namespace {

constexpr int rendezvousTimeoutMs = 5000;

struct Answer
{
    int status = 0;
    QByteArray body;
};

/// One GET on a fresh connection, with plain blocking sockets: the test's client threads run
/// no event loop. Status 0 when the connection or the answer failed.
Answer get(quint16 port, const QByteArray &path)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return {};
    const timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QByteArray response;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0) {
        const QByteArray request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + QByteArray::number(port) + "\r\nConnection: close\r\n\r\n";
        if (::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL)
            == request.size()) {
            char buffer[4096];
            ssize_t got = 0;
            while ((got = ::recv(fd, buffer, sizeof(buffer), 0)) > 0)
                response.append(buffer, got);
        }
    }
    ::close(fd);
    const qsizetype headerEnd = response.indexOf("\r\n\r\n");
    if (!response.startsWith("HTTP/1.1 ") || headerEnd < 0)
        return {};
    return {response.mid(9, 3).toInt(), response.mid(headerEnd + 4)};
}

ServedProfile servedProfile(char generation)
{
    // Every field of one generation names it, so that an answer mixing two shows.
    const QString mark(20, QLatin1Char(generation));
    AwsCredentials credentials{u"ASIA"_s + mark, u"secret"_s + mark, u"token"_s + mark,
                               QDateTime::currentDateTimeUtc().addSecs(3600)};
    return {u"dev"_s,
            u"Developer"_s,
            u"arn:aws:iam::111111111111:role/Developer"_s,
            u"111111111111"_s,
            u"eu-west-1"_s,
            credentials,
            QDateTime::currentDateTimeUtc()};
}

std::shared_ptr<const ServedSnapshot> snapshot(char generation)
{
    return std::make_shared<const ServedSnapshot>(
            ServedSnapshot{u"dev"_s, {{u"dev"_s, servedProfile(generation)}}});
}

/// Holds the first request that reads the active profile until a second one, necessarily in
/// another thread, reads it too; remembers which threads read it.
class RendezvousView final : public CredentialView
{
public:
    explicit RendezvousView(const CredentialView &inner)
        : m_inner(inner)
    { }

    std::optional<ServedProfile> active() const override
    {
        QMutexLocker lock(&m_mutex);
        m_threads.insert(QThread::currentThread());
        if (!m_met) {
            m_firstArrived.wakeAll();
            if (++m_waiting == 2) {
                m_met = true;
                m_arrived.wakeAll();
            } else if (!m_arrived.wait(&m_mutex, rendezvousTimeoutMs)) {
                m_timedOut = true;
            }
        }
        return m_inner.active();
    }

    std::optional<ServedProfile> profile(const QString &name) const override
    {
        return m_inner.profile(name);
    }

    /// Waits until the first request is held; false after the timeout.
    bool waitForFirst() const
    {
        QMutexLocker lock(&m_mutex);
        QDeadlineTimer deadline(rendezvousTimeoutMs);
        while (m_waiting == 0 && !deadline.hasExpired())
            m_firstArrived.wait(&m_mutex, deadline);
        return m_waiting > 0;
    }

    /// Whether a second request arrived while the first was held.
    bool met() const
    {
        QMutexLocker lock(&m_mutex);
        return m_met && !m_timedOut;
    }

    qsizetype threadCount() const
    {
        QMutexLocker lock(&m_mutex);
        return m_threads.size();
    }

private:
    const CredentialView &m_inner;
    mutable QMutex m_mutex;
    mutable QWaitCondition m_arrived;
    mutable QWaitCondition m_firstArrived;
    mutable QSet<QThread *> m_threads;
    mutable int m_waiting = 0;
    mutable bool m_met = false;
    mutable bool m_timedOut = false;
};

const QByteArray credentialsPath = "/latest/meta-data/iam/security-credentials/Developer";

ImdsEndpoint::Options options(int threads)
{
    return {{false, ImdsTokenSigner(randomTokenKey()), ContainerTokenSigner(randomTokenKey())},
            threads,
            nullptr};
}

} // namespace

class tst_ImdsEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void threadsServeConcurrently();
    void swapUnderLoadGivesWholeAnswers();
    void stopsWithClientsConnected();

private:
    SystemClock m_clock;
};

void tst_ImdsEndpoint::threadsServeConcurrently()
{
    SnapshotStore store;
    store.publish(snapshot('C'));
    const SnapshotView snapshots(store, m_clock);
    const RendezvousView view(snapshots);
    ImdsEndpoint endpoint(view, m_clock, options(2));
    QVERIFY2(endpoint.listenOn(QHostAddress::LocalHost, 0), qPrintable(endpoint.errorString()));
    endpoint.startServing(64);

    Answer first;
    Answer second;
    std::thread one([&] {
        first = get(endpoint.port(), credentialsPath);
    });
    // The second connection only once the first request is held: the thread holding it cannot
    // accept, so another one must.
    const bool firstHeld = view.waitForFirst();
    std::thread two([&] {
        second = get(endpoint.port(), credentialsPath);
    });
    one.join();
    two.join();
    QVERIFY(firstHeld);
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    QVERIFY2(view.met(), "the two requests were never in flight at the same time");
    QCOMPARE(view.threadCount(), 2);
}

void tst_ImdsEndpoint::swapUnderLoadGivesWholeAnswers()
{
    SnapshotStore store;
    store.publish(snapshot('C'));
    const SnapshotView view(store, m_clock);
    ImdsEndpoint endpoint(view, m_clock, options(2));
    QVERIFY2(endpoint.listenOn(QHostAddress::LocalHost, 0), qPrintable(endpoint.errorString()));
    endpoint.startServing(64);

    constexpr int clients = 4;
    constexpr int requestsEach = 250;
    std::atomic<int> failed = 0;
    std::atomic<int> mixed = 0;
    std::atomic<int> seenC = 0;
    std::atomic<int> seenB = 0;
    std::atomic<int> running = clients;
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back([&] {
            for (int n = 0; n < requestsEach; ++n) {
                const Answer answer = get(endpoint.port(), credentialsPath);
                if (answer.status != 200) {
                    ++failed;
                    continue;
                }
                const bool a = answer.body.count(QByteArray(20, 'C')) == 3;
                const bool b = answer.body.count(QByteArray(20, 'B')) == 3;
                if (a == b)
                    ++mixed;
                (a ? seenC : seenB) += 1;
            }
            --running;
        });
    }
    // The main thread plays the broker: a new snapshot as fast as it can build one.
    int swaps = 0;
    while (running > 0) {
        store.publish(snapshot(swaps % 2 == 0 ? 'B' : 'C'));
        ++swaps;
    }
    for (std::thread &thread : threads)
        thread.join();
    qInfo() << swaps << "swaps;" << seenC << "answers C," << seenB << "answers B";
    QCOMPARE(failed.load(), 0);
    QCOMPARE(mixed.load(), 0);
    QVERIFY(seenC > 0);
    QVERIFY(seenB > 0);
}

void tst_ImdsEndpoint::stopsWithClientsConnected()
{
    SnapshotStore store;
    store.publish(snapshot('C'));
    const SnapshotView view(store, m_clock);
    quint16 port = 0;
    std::vector<int> clients;
    {
        ImdsEndpoint endpoint(view, m_clock, options(3));
        QVERIFY2(endpoint.listenOn(QHostAddress::LocalHost, 0), qPrintable(endpoint.errorString()));
        endpoint.startServing(64);
        port = endpoint.port();
        QCOMPARE(get(port, credentialsPath).status, 200);
        // Idle connections, and one in the middle of a request, left to the stop.
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int i = 0; i < 6; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            QVERIFY(::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address))
                    == 0);
            clients.push_back(fd);
        }
        QVERIFY(::send(clients.front(), "GET / HTTP/1.1\r\n", 16, MSG_NOSIGNAL) == 16);
        QThread::msleep(100);
    }
    // Every client sees its connection end, and nothing listens any more.
    for (const int fd : clients) {
        const timeval timeout{5, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        char byte = 0;
        const ssize_t got = ::recv(fd, &byte, 1, 0);
        // An end of stream, or a reset for a connection the server had not read from.
        QVERIFY2(got == 0 || (got < 0 && errno == ECONNRESET), std::strerror(errno));
        ::close(fd);
    }
    QCOMPARE(get(port, credentialsPath).status, 0);
}

QTEST_GUILESS_MAIN(tst_ImdsEndpoint)
#include "tst_imdsendpoint.moc"
