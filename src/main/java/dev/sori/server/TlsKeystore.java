package dev.sori.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The server's certificate and private key from a PKCS#12 file ({@code --tls-keystore},
 * {@code --tls-password}), as an {@link SSLContext} for the listener. Loaded once at start-up, so
 * that a wrong path or password stops the server with one clear line instead of failing every
 * connection later. The password is never part of a message.
 */
public final class TlsKeystore {
    private final Path file;
    private final SSLContext context;
    private final List<Certificate> certificates; // each key's own, for a client of this server only

    private TlsKeystore(Path file, SSLContext context, List<Certificate> certificates) {
        this.file = file;
        this.context = context;
        this.certificates = certificates;
    }

    /**
     * Reads the keystore.
     *
     * @throws InvalidKeystoreException saying what is wrong with the file (never the password)
     */
    public static TlsKeystore load(Path file, char[] password) {
        if (password == null) {
            password = new char[0];
        }
        KeyStore store;
        try (InputStream in = Files.newInputStream(file)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new InvalidKeystoreException("TLS keystore " + file + " does not exist");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new InvalidKeystoreException("cannot open TLS keystore " + file + ": wrong password");
            }
            if (Files.isDirectory(file) || !Files.isReadable(file)) {
                throw new InvalidKeystoreException("cannot read TLS keystore " + file);
            }
            throw new InvalidKeystoreException("cannot open TLS keystore " + file
                    + ": not a PKCS#12 file or wrong password (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw new InvalidKeystoreException("cannot open TLS keystore " + file + ": " + e.getMessage());
        }
        try {
            List<Certificate> certificates = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (isKey(store, alias)) {
                    certificates.add(store.getCertificate(alias));
                }
            }
            if (certificates.isEmpty()) {
                throw new InvalidKeystoreException("TLS keystore " + file + " holds no private key with a certificate");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new TlsKeystore(file, context, List.copyOf(certificates));
        } catch (UnrecoverableKeyException e) {
            throw new InvalidKeystoreException("cannot read the key in TLS keystore " + file
                    + ": its password differs from the keystore's");
        } catch (GeneralSecurityException e) {
            throw new InvalidKeystoreException("cannot use TLS keystore " + file + ": " + e.getMessage());
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias) && store.getCertificate(alias) != null;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public Path file() {
        return file;
    }

    SSLContext sslContext() {
        return context;
    }

    /**
     * A client's context that trusts this keystore's own certificates and nothing else: for the
     * warm-up's loopback client ({@link WarmUpClient}), which talks only to a twin of this server.
     */
    SSLContext trustingItself() throws GeneralSecurityException, IOException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        for (int i = 0; i < certificates.size(); i++) {
            trusted.setCertificateEntry("sori-" + i, certificates.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        return client;
    }

    /** The keystore cannot be used; the message says why, for the operator. */
    public static final class InvalidKeystoreException extends RuntimeException {
        InvalidKeystoreException(String message) {
            super(message);
        }
    }
}
