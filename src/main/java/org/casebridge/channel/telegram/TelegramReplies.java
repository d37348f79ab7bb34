package org.casebridge.channel.telegram;

import org.apache.camel.component.telegram.TelegramConstants;
import org.apache.camel.component.telegram.model.MessageResult;
import org.apache.camel.component.telegram.model.OutgoingTextMessage;
import org.casebridge.cases.Case;
import org.casebridge.cases.CaseHeaders;
import org.casebridge.shared.RejectedMessageException;
import org.casebridge.replies.ReplyHeaders;
import org.casebridge.cases.Channel;
import org.casebridge.replies.PlatformAnswer;
import org.casebridge.replies.PlatformCall;
import org.casebridge.replies.ReplyPlan;
import org.casebridge.replies.ReplySender;
import org.casebridge.replies.SendOutcome;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * The Telegram {@link ReplySender}: the reply becomes a camel-telegram {@code sendMessage} to the customer's private
 * chat with the bot ({@code routes/case-replies-to-telegram.yaml}), and Telegram's answer names the message for the case.
 */
@Component("telegramReplies")
public class TelegramReplies implements ReplySender {

    /** Telegram's limit for one message's text. */
    static final int MAX_TEXT = 4096;

    private final TelegramProperties properties;

    public TelegramReplies(TelegramProperties properties) {
        this.properties = properties;
    }

    @Override
    public Channel channel() {
        return Channel.TELEGRAM;
    }

    @Override
    public boolean enabled() {
        return properties.isEnabled();
    }

    /** The reply as an {@link OutgoingTextMessage} to the customer's chat. */
    @Override
    public ReplyPlan plan(Case value, String chatId) {
        String text = value.body().text();
        if (text.length() > MAX_TEXT) {
            return new SendOutcome.Refused("reply-too-long", "The reply is " + text.length() + " characters; Telegram takes at most " + MAX_TEXT);
        }
        OutgoingTextMessage message = new OutgoingTextMessage();
        message.setText(text);
        message.setChatId(chatId);
        return ReplyPlan.Calls.of(new PlatformCall(message, Map.of(TelegramConstants.TELEGRAM_CHAT_ID, chatId), chatId));
    }

    /** The id Telegram gave the message ({@code <chat id>:<message id>}), for threading. */
    @Override
    public SendOutcome answer(Case value, PlatformCall call, PlatformAnswer answer) {
        MessageResult result = answer.body() instanceof MessageResult sent ? sent : null;
        if (result == null || !result.isOk() || result.getMessage() == null) {
            return new SendOutcome.Failed("Telegram did not confirm the message: " + answer.body());
        }
        return new SendOutcome.Sent(call.context() + ":" + result.getMessage().getMessageId());
    }
}
