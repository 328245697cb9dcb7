package dev.sori.deploy;

/**
 * {@code target/sori.war} on Payara Micro (Tyrus inside Grizzly, Yasson), configured through
 * an environment variable: {@code SORI_MAX_MESSAGE_CHARS=100}.
 */
class PayaraDeploymentIT extends WarDeploymentContract {

    @Override
    protected AppServer createServer() {
        PayaraMicroServer payara = new PayaraMicroServer();
        payara.environment.put("SORI_MAX_MESSAGE_CHARS", Integer.toString(MAX_MESSAGE_CHARS));
        return payara;
    }
}
