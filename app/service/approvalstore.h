#pragma once

#include <functional>

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include "imsa/result.h"

namespace imsa::app {

/// The programs the user approved per profile (`imsa allow PROFILE PROGRAM`), for profiles
/// with `access: ask`. Kept in a JSON file only the user can read (0600) in the state
/// directory, `{"PROFILE": ["PROGRAM", …]}`, written whole through a temporary file so that a
/// crash leaves the old or the new list, never half of one. PROGRAM is what
/// programIdentity() gives: an executable path, or interpreter and script. Safe to use from
/// several threads (the serving threads ask, the control socket changes it).
class ApprovalStore final : public QObject
{
    Q_OBJECT

public:
    explicit ApprovalStore(QString path, QObject *parent = nullptr);

    bool isApproved(const QString &profile, const QString &program) const;
    /// Adds or removes an approval and saves; a Failure, and the change not kept, when the file
    /// can't be written.
    Result<Done, Failure> approve(const QString &profile, const QString &program);
    Result<Done, Failure> revoke(const QString &profile, const QString &program);
    QStringList approved(const QString &profile) const;

    QString path() const { return m_path; }

Q_SIGNALS:
    /// An approval of `profile` was added or removed (from the CLI or the tray), and saved.
    void changed(const QString &profile);

private:
    void load();
    /// Applies `edit` and saves; undoes it when saving fails.
    Result<Done, Failure> change(const std::function<void()> &edit);
    Result<Done, Failure> save() const;

    QString m_path;
    mutable QMutex m_mutex; ///< guards m_approved and the file
    QHash<QString, QSet<QString>> m_approved;
};

} // namespace imsa::app
