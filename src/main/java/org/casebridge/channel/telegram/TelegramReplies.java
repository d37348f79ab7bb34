package org.casebridge.channel.telegram;

import org.apache.camel.Exchange;
import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.component.telegram.model.OutgoingTextMessage;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.ReplyHeaders;
import org.springframework.stereotype.Component;

/**
 * Translator between an outbound case message and camel-telegram: the reply becomes a {@code sendMessage} to the
 * customer's private chat with the bot, and Telegram's answer names the message for the case.
 */
@Component("telegramReplies")
public class TelegramReplies {

    /** Telegram's limit for one message's text. */
    static final int MAX_TEXT = 4096;

    /** Route step: the outbound case in {@code CasebridgeCase} becomes an {@link OutgoingTextMessage} in the body. */
    public void compose(Exchange exchange) {
        Case value = exchange.getProperty(CaseHeaders.CASE_PROPERTY, Case.class);
        String chatId = value.customer() == null ? null : value.customer().platformUserId();
        if (chatId == null || chatId.isBlank()) {
            throw new RejectedMessageException("no-recipient", "Case " + value.caseId() + " has no Telegram chat to answer to");
        }
        String text = value.body().text();
        if (text.length() > MAX_TEXT) {
            throw new RejectedMessageException("reply-too-long", "The reply is " + text.length() + " characters; Telegram takes at most " + MAX_TEXT);
        }
        OutgoingTextMessage message = new OutgoingTextMessage();
        message.setText(text);
        message.setChatId(chatId);
        exchange.getMessage().setBody(message);
        exchange.getMessage().setHeader(TelegramConstants.TELEGRAM_CHAT_ID, chatId);
    }

    /** Route step after the send: the id Telegram gave the message ({@code <chat id>:<message id>}), for threading. */
    public void sent(Exchange exchange) {
        MessageResult result = exchange.getMessage().getBody(MessageResult.class);
        if (result == null || !result.isOk() || result.getMessage() == null) {
            throw new IllegalStateException("Telegram did not confirm the message: " + result);
        }
        String chatId = exchange.getMessage().getHeader(TelegramConstants.TELEGRAM_CHAT_ID, String.class);
        exchange.getMessage().setHeader(ReplyHeaders.PLATFORM_MESSAGE_ID, chatId + ":" + result.getMessage().getMessageId());
    }
}
