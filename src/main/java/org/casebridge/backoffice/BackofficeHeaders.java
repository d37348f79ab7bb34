package org.casebridge.backoffice;

/** Names of the exchange properties and headers of the back-office flows; kamelets set the properties from their parameters. */
public final class BackofficeHeaders {

    /** Exchange property: true when this target delivered the message before (a redelivered queue message). */
    public static final String ALREADY_DELIVERED = "CasebridgeAlreadyDelivered";
    /** Exchange property: the delivery target, named by its delivery queue (e.g. {@code casebridge.delivery.crm}). */
    public static final String TARGET = "CasebridgeDeliveryTarget";
    /** Header: true when a status update repeats one already turned into a message to the customer. */
    public static final String DUPLICATE_UPDATE = "CasebridgeDuplicateUpdate";

    /** Exchange properties of the CRM sink (kamelet parameters). */
    public static final String CRM_CREATE_PATH = "CasebridgeCrmCreatePath";
    public static final String CRM_UPDATE_PATH = "CasebridgeCrmUpdatePath";
    public static final String CRM_UPDATE_METHOD = "CasebridgeCrmUpdateMethod";
    public static final String CRM_CREATE_MAPPING = "CasebridgeCrmCreateMapping";
    public static final String CRM_UPDATE_MAPPING = "CasebridgeCrmUpdateMapping";
    public static final String CRM_ID_POINTER = "CasebridgeCrmIdPointer";
    public static final String CRM_AUTH = "CasebridgeCrmAuthentication";
    public static final String CRM_API_KEY_HEADER = "CasebridgeCrmApiKeyHeader";
    public static final String CRM_API_KEY = "CasebridgeCrmApiKey";
    public static final String CRM_TOKEN_URL = "CasebridgeCrmTokenUrl";
    public static final String CRM_CLIENT_ID = "CasebridgeCrmClientId";
    public static final String CRM_CLIENT_SECRET = "CasebridgeCrmClientSecret";
    public static final String CRM_SCOPE = "CasebridgeCrmScope";
    /** Exchange properties set by the CRM sink: the CRM's id of the case (null: create), the method and path of the call. */
    public static final String CRM_ID = "CasebridgeCrmId";
    public static final String CRM_METHOD = "CasebridgeCrmMethod";
    public static final String CRM_PATH = "CasebridgeCrmPath";

    /** Exchange properties of the file sink (kamelet parameters). */
    public static final String FILE_FORMAT = "CasebridgeFileFormat";
    public static final String FILE_FIELDS = "CasebridgeFileFields";
    public static final String FILE_ENCODING = "CasebridgeFileEncoding";
    public static final String FILE_DELIMITER = "CasebridgeFileDelimiter";
    public static final String FILE_ROOT_ELEMENT = "CasebridgeFileRootElement";
    public static final String FILE_PREFIX = "CasebridgeFilePrefix";

    /** Exchange properties of the export source (kamelet parameters). */
    public static final String EXPORT_ENCODING = "CasebridgeExportEncoding";
    public static final String EXPORT_DELIMITER = "CasebridgeExportDelimiter";
    public static final String EXPORT_CASE_COLUMN = "CasebridgeExportCaseColumn";
    public static final String EXPORT_UPDATE_ID_COLUMN = "CasebridgeExportUpdateIdColumn";
    public static final String EXPORT_REFERENCE_COLUMN = "CasebridgeExportReferenceColumn";
    public static final String EXPORT_TEXT = "CasebridgeExportText";
    public static final String EXPORT_SOURCE = "CasebridgeExportSource";

    private BackofficeHeaders() {
    }
}
