#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "imsa/keystore.h"

namespace imsa::test {

/// A KeyStore in a QHash (aws-vault's array keyring). Operations run from the event loop in
/// call order, like a keychain's queued jobs; setHolding(true) keeps them until release(), to
/// show a slow keychain; setFailure() makes every operation fail like a locked keychain.
class MemoryKeyStore final : public KeyStore
{
public:
    void read(const QString &account, QObject *context, ReadDone done) override
    {
        m_log << QStringLiteral("read ") + account;
        enqueue(context, [this, account, done = std::move(done)] {
            if (!m_failure.isEmpty()) {
                done(Failure{m_failure});
                return;
            }
            const auto it = m_entries.constFind(account);
            done(it == m_entries.cend() ? std::optional<QByteArray>()
                                        : std::optional<QByteArray>(*it));
        });
    }

    void write(const QString &account, const QByteArray &secret, QObject *context,
               WriteDone done) override
    {
        m_log << QStringLiteral("write ") + account;
        enqueue(context, [this, account, secret, done = std::move(done)] {
            if (m_failure.isEmpty())
                m_entries.insert(account, secret);
            done(outcome());
        });
    }

    void remove(const QString &account, QObject *context, WriteDone done) override
    {
        m_log << QStringLiteral("remove ") + account;
        enqueue(context, [this, account, done = std::move(done)] {
            if (m_failure.isEmpty())
                m_entries.remove(account);
            done(outcome());
        });
    }

    QString description() const override { return QStringLiteral("memory"); }

    /// Direct access for tests, bypassing the queue.
    void insert(const QString &account, const QByteArray &secret)
    {
        m_entries.insert(account, secret);
    }

    bool contains(const QString &account) const { return m_entries.contains(account); }

    QByteArray value(const QString &account) const { return m_entries.value(account); }

    /// "read ACCOUNT", "write ACCOUNT", "remove ACCOUNT" in call order.
    const QStringList &operations() const { return m_log; }

    /// Non-empty: every operation fails with this message.
    void setFailure(const QString &error) { m_failure = error; }

    void setHolding(bool holding) { m_holding = holding; }

    /// Runs every held operation now, in call order.
    void release()
    {
        const QList<Pending> pending = std::exchange(m_held, {});
        for (const Pending &operation : pending) {
            if (operation.context)
                operation.run();
        }
    }

    int heldCount() const { return int(m_held.size()); }

    int queuedCount() const { return m_queued; }

private:
    struct Pending
    {
        QPointer<QObject> context;
        std::function<void()> run;
    };

    WriteResult outcome() const
    {
        if (m_failure.isEmpty())
            return Done{};
        return Failure{m_failure};
    }

    void enqueue(QObject *context, std::function<void()> run)
    {
        if (m_holding) {
            m_held.append(Pending{context, std::move(run)});
            return;
        }
        ++m_queued;
        QTimer::singleShot(0, context, [this, run = std::move(run)] {
            --m_queued;
            run();
        });
    }

    QHash<QString, QByteArray> m_entries;
    QStringList m_log;
    QList<Pending> m_held;
    QString m_failure;
    int m_queued = 0;
    bool m_holding = false;
};

} // namespace imsa::test
