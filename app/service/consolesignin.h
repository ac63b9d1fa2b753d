#pragma once

#include <functional>

#include <QObject>
#include <QUrl>

#include "imsa/consolesignin.h"
#include "imsa/credentials.h"
#include "imsa/result.h"

class QNetworkAccessManager;

namespace imsa::app {

/// How long the sign-in endpoint may take to answer getSigninToken.
inline constexpr int consoleSigninTimeoutMs = 15 * 1000;

/// Asks the federation endpoint for a sign-in token with `credentials` and delivers the login
/// URL, or why there is none, exactly once and never before this returns; nothing when
/// `context` is destroyed first. Neither the URL nor the request (it carries the credentials)
/// is logged, and errors never quote them.
void requestConsoleUrl(QNetworkAccessManager &network, const ConsoleSignin &signin,
                       const AwsCredentials &credentials, QObject *context,
                       std::function<void(Result<QUrl, Failure>)> done);

} // namespace imsa::app
