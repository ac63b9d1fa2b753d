#pragma once

#include <QHash>
#include <QStringList>
#include <QTimer>

#include "imsa/ssoapi.h"

namespace imsa::test {

/// A portal that answers the two list calls from pages set up by the test (the next token is
/// the page's index), and fails the account named in `failRolesOf`.
class PagedPortal final : public SsoApi
{
public:
    QList<SsoPage<SsoAccount>> accountPages;
    QHash<QString, QList<QStringList>> rolePages; ///< by account id
    QString failRolesOf;
    bool failAccounts = false; ///< ListAccounts answers 429
    QStringList calls;

    void registerClient(const QUrl &, const QString &, const QStringList &, QObject *,
                        std::function<void(SsoResult<SsoClientRegistration>)>) override
    { }

    void startDeviceAuthorization(const QUrl &, const SsoClientRegistration &, const QString &,
                                  QObject *,
                                  std::function<void(SsoResult<DeviceAuthorization>)>) override
    { }

    void createTokenFromDeviceCode(const QUrl &, const SsoClientRegistration &, const QString &,
                                   QObject *, std::function<void(SsoResult<SsoToken>)>) override
    { }

    void refreshToken(const QUrl &, const SsoClientRegistration &, const QString &, QObject *,
                      std::function<void(SsoResult<SsoToken>)>) override
    { }

    void getRoleCredentials(const QUrl &, const QString &, const QString &, const QString &,
                            QObject *, std::function<void(SsoResult<AwsCredentials>)>) override
    { }

    void logout(const QUrl &, const QString &, QObject *,
                std::function<void(SsoResult<Done>)>) override
    { }

    void listAccounts(const QUrl &, const QString &, const QString &nextToken, QObject *context,
                      std::function<void(SsoResult<SsoPage<SsoAccount>>)> done) override
    {
        calls.append(QStringLiteral("ListAccounts ") + nextToken);
        if (failAccounts) {
            QTimer::singleShot(0, context, [done] {
                done(SsoError{SsoErrorCode::Throttled, QStringLiteral("TooManyRequestsException"),
                              QStringLiteral("slow down"), 429});
            });
            return;
        }
        const SsoPage<SsoAccount> page = accountPages.value(nextToken.toInt());
        QTimer::singleShot(0, context, [done, page] {
            done(page);
        });
    }

    void listAccountRoles(const QUrl &, const QString &, const QString &accountId,
                          const QString &nextToken, QObject *context,
                          std::function<void(SsoResult<SsoPage<QString>>)> done) override
    {
        calls.append(QStringLiteral("ListAccountRoles %1 %2").arg(accountId, nextToken));
        if (accountId == failRolesOf) {
            QTimer::singleShot(0, context, [done] {
                done(SsoError{SsoErrorCode::Forbidden, QStringLiteral("ForbiddenException"),
                              QStringLiteral("no"), 403});
            });
            return;
        }
        const QList<QStringList> pages = rolePages.value(accountId, {{}});
        const int index = nextToken.toInt();
        SsoPage<QString> page{pages.value(index), {}};
        if (index + 1 < pages.size())
            page.nextToken = QString::number(index + 1);
        QTimer::singleShot(0, context, [done, page] {
            done(page);
        });
    }
};

} // namespace imsa::test
