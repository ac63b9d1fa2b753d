#pragma once

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QString>
#include <QStringList>

namespace imsa::app {

/// The programs the user approved per profile (`imsa allow PROFILE PROGRAM`), for profiles
/// with `access: ask`. Kept in a JSON file only the user can read (0600) in the state
/// directory, `{"PROFILE": ["PROGRAM", …]}`, written whole through a temporary file so that a
/// crash leaves the old or the new list, never half of one. PROGRAM is what
/// programIdentity() gives: an executable path, or interpreter and script. Safe to use from
/// several threads (the serving threads ask, the control socket changes it).
class ApprovalStore
{
public:
    explicit ApprovalStore(QString path);

    bool isApproved(const QString &profile, const QString &program) const;
    /// Adds or removes an approval and saves; false with `error` set when the file can't be
    /// written (the change is then not kept either).
    bool approve(const QString &profile, const QString &program, QString *error);
    bool revoke(const QString &profile, const QString &program, QString *error);
    QStringList approved(const QString &profile) const;

    QString path() const { return m_path; }

private:
    void load();
    bool save(QString *error) const;

    QString m_path;
    mutable QMutex m_mutex; ///< guards m_approved and the file
    QHash<QString, QSet<QString>> m_approved;
};

} // namespace imsa::app
