#include "approvalstore.h"

#include <algorithm>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "imsa/logging.h"

namespace imsa::app {

ApprovalStore::ApprovalStore(QString path, QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
{
    load();
}

void ApprovalStore::load()
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return;
    // A few hundred approvals at most; a larger file is not one imsa wrote.
    const QJsonDocument document = QJsonDocument::fromJson(file.read(1024 * 1024));
    if (!document.isObject()) {
        qCWarning(lcIpc) << "ignoring" << m_path << "(not a JSON object)";
        return;
    }
    const QJsonObject profiles = document.object();
    for (auto it = profiles.begin(); it != profiles.end(); ++it) {
        const QJsonArray programs = it.value().toArray();
        for (const auto &program : programs) {
            if (program.isString())
                m_approved[it.key()].insert(program.toString());
        }
    }
}

Result<Done, Failure> ApprovalStore::save() const
{
    QJsonObject profiles;
    for (auto it = m_approved.cbegin(); it != m_approved.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        QStringList programs(it.value().cbegin(), it.value().cend());
        std::sort(programs.begin(), programs.end());
        profiles.insert(it.key(), QJsonArray::fromStringList(programs));
    }
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(QJsonDocument(profiles).toJson()) < 0 || !file.commit()) {
        return Failure{QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString())};
    }
    return Done{};
}

bool ApprovalStore::isApproved(const QString &profile, const QString &program) const
{
    const QMutexLocker locker(&m_mutex);
    return m_approved.value(profile).contains(program);
}

Result<Done, Failure> ApprovalStore::approve(const QString &profile, const QString &program)
{
    Result<Done, Failure> saved = change([&] {
        m_approved[profile].insert(program);
    });
    if (saved)
        Q_EMIT changed(profile);
    return saved;
}

Result<Done, Failure> ApprovalStore::revoke(const QString &profile, const QString &program)
{
    Result<Done, Failure> saved = change([&] {
        m_approved[profile].remove(program);
    });
    if (saved)
        Q_EMIT changed(profile);
    return saved;
}

Result<Done, Failure> ApprovalStore::change(const std::function<void()> &edit)
{
    const QMutexLocker locker(&m_mutex);
    const auto before = m_approved;
    edit();
    Result<Done, Failure> saved = save();
    if (!saved)
        m_approved = before;
    return saved;
}

QStringList ApprovalStore::approved(const QString &profile) const
{
    const QMutexLocker locker(&m_mutex);
    const QSet<QString> programs = m_approved.value(profile);
    QStringList sorted(programs.cbegin(), programs.cend());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

} // namespace imsa::app
