package org.casebridge.channel.webchat;

/** Names of the HTTP headers and query parameters the widget sends. */
public final class WebchatHeaders {

    /** The site's id ({@code data-site}). */
    public static final String SITE = "X-Webchat-Site";
    /** The site's public key ({@code data-key}). */
    public static final String KEY = "X-Webchat-Key";
    /** The visitor token the bridge issued ({@code POST /webchat/v1/sessions}). */
    public static final String TOKEN = "X-Webchat-Token";
    /** Query parameters of the event stream (EventSource cannot send headers). */
    public static final String SITE_PARAM = "site";
    public static final String KEY_PARAM = "key";
    public static final String TOKEN_PARAM = "token";
    public static final String LAST_EVENT_ID_PARAM = "lastEventId";

    private WebchatHeaders() {
    }
}
