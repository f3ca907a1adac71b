package dev.tributary.sinks.redshift;

import java.io.Serializable;

/**
 * Turns a record into one warehouse row: values in the table's column order, each null or of the column
 * type's {@link SqlType#javaType()}. Serializable because it ships with the sink to the task managers.
 */
@FunctionalInterface
public interface RowExtractor<T> extends Serializable {

    Object[] extract(T record);
}
